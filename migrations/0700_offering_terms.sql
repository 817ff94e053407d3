-- A commune's true offering and its local terms (docs/catalog.md, "Offering").
--
-- By default a commune offers the procedures the commune People's Committee carries out (the rule
-- is src/domain/catalog/offering.ts; its result is stored per procedure, recomputed at start when
-- the rule's version changes). An agency_procedures row is an explicit decision of the agency and
-- overrides the default; the agency_offering(agency) function is the one place that combines
-- them, so no query has to remember the default.

alter table procedures
  add column commune_default boolean not null default false,
  add column default_online_level text not null default 'none' check (default_online_level in ('full', 'partial', 'none')),
  add column offer_reason text,
  -- The counter channel's time limit in the catalog (null: none readable), for lists and flags.
  add column catalog_time_limit jsonb,
  add column offering_rule_version integer not null default 0;

-- Local terms: the time limit with its legal basis, the fees and the document list as the agency
-- applies them; null = the catalog's. Public, like the catalog: citizens must see them.
alter table agency_procedures
  add column time_limit jsonb,
  add column fees jsonb,
  add column documents jsonb,
  add column terms_updated_at timestamptz,
  add column terms_updated_by integer references users(id);

-- What a commune offers is public information, also when it is "no": without this an anonymous
-- visitor would not see a refusal row and would fall back to the default.
drop policy agency_procedures_public on agency_procedures;
create policy agency_procedures_public on agency_procedures for select using (true);

-- Every change of an agency's offering or terms, with who, when and why.
create table agency_procedure_changes (
  id bigint generated always as identity primary key,
  agency_id integer not null references agencies(id),
  procedure_id integer not null references procedures(id),
  what text not null check (what in ('offering', 'time_limit', 'fees', 'documents')),
  before jsonb,
  after jsonb,
  reason text,
  changed_by integer references users(id),
  changed_at timestamptz not null default now()
);
create index agency_procedure_changes_by_procedure on agency_procedure_changes (agency_id, procedure_id, changed_at desc);
alter table agency_procedure_changes enable row level security;
create policy agency_procedure_changes_scope on agency_procedure_changes using (app_in_scope(agency_id)) with check (app_in_scope(agency_id));
revoke update, delete on agency_procedure_changes from motcua_app;

-- The agency's view of every procedure: explicit decision, else the default for a commune.
-- A plain SQL function, so the planner inlines it into each query.
create or replace function agency_offering(a integer)
returns table (procedure_id integer, enabled boolean, published boolean, online_level text, explicit boolean, time_limit jsonb, fees jsonb, documents jsonb)
language sql stable as $$
  select p.id,
         coalesce(ap.enabled, p.commune_default and c.is_commune),
         coalesce(ap.published, p.commune_default and c.is_commune),
         coalesce(ap.online_level, case when p.commune_default and c.is_commune then p.default_online_level else 'none' end),
         ap.agency_id is not null,
         ap.time_limit, ap.fees, ap.documents
  from procedures p
  cross join (select exists (select 1 from agencies where id = a and kind = 'commune') as is_commune) c
  left join agency_procedures ap on ap.procedure_id = p.id and ap.agency_id = a
$$;

-- Same-day limits ("trả trong ngày"; after 15:00 the next working day).
alter table dossiers drop constraint dossiers_time_limit_unit_check;
alter table dossiers add constraint dossiers_time_limit_unit_check check (time_limit_unit in ('working_days', 'working_hours', 'calendar_days', 'same_day'));
