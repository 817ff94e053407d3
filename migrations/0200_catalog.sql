-- Procedure catalog (thủ tục hành chính): installation-wide procedures with dated versions, each
-- agency's assignment (offered / online level / published), and the announcements of new,
-- amended and abolished procedures. See docs/catalog.md ("Storage").

-- One row per official code. agency_id is the root (province) agency whose import created it;
-- the catalog itself is shared by every agency and readable by everyone.
create table procedures (
  id integer generated always as identity primary key,
  agency_id integer not null references agencies(id),
  code text not null unique,
  -- Name and field of the newest version, for lists and filters.
  name text not null,
  field text not null,
  search_text text not null default '',
  abolished_on date,
  created_at timestamptz not null default now(),
  -- Bumped on every change of the catalog: the in-process search index compares max(updated_at).
  updated_at timestamptz not null default clock_timestamp()
);
create index procedures_field on procedures(field);
create index procedures_updated on procedures(updated_at);
create index procedures_search on procedures using gin (search_text gin_trgm_ops);
alter table procedures enable row level security;
create policy procedures_read on procedures for select using (true);
create policy procedures_write on procedures for insert with check (app_in_scope(agency_id));
create policy procedures_update on procedures for update using (app_in_scope(agency_id)) with check (app_in_scope(agency_id));

-- Versions: amending creates a new one. The version in force on day D is the one with the
-- greatest (effective_from, version_no) among those with effective_from <= D.
create table procedure_versions (
  id integer generated always as identity primary key,
  agency_id integer not null references agencies(id),
  procedure_id integer not null references procedures(id),
  version_no integer not null,
  effective_from date not null,
  effective_to date,
  name text not null,
  field text not null,
  content jsonb not null,
  content_hash text not null,
  created_at timestamptz not null default now(),
  unique (procedure_id, version_no)
);
create index procedure_versions_current on procedure_versions(procedure_id, effective_from desc, version_no desc);
alter table procedure_versions enable row level security;
create policy procedure_versions_read on procedure_versions for select using (true);
create policy procedure_versions_write on procedure_versions for insert with check (app_in_scope(agency_id));
create policy procedure_versions_update on procedure_versions for update using (app_in_scope(agency_id)) with check (app_in_scope(agency_id));

-- What an agency offers. Rows are never deleted (turning off = enabled false), so
-- max(updated_at) per agency detects every change for the search cache.
create table agency_procedures (
  agency_id integer not null references agencies(id),
  procedure_id integer not null references procedures(id),
  enabled boolean not null default true,
  online_level text not null default 'none' check (online_level in ('full', 'partial', 'none')),
  published boolean not null default false,
  updated_at timestamptz not null default clock_timestamp(),
  updated_by integer references users(id),
  primary key (agency_id, procedure_id)
);
create index agency_procedures_updated on agency_procedures(agency_id, updated_at);
create index agency_procedures_procedure on agency_procedures(procedure_id);
alter table agency_procedures enable row level security;
create policy agency_procedures_scope on agency_procedures using (app_in_scope(agency_id)) with check (app_in_scope(agency_id));
-- Anyone may see what an agency has published.
create policy agency_procedures_public on agency_procedures for select using (enabled and published);

create table catalog_announcements (
  id integer generated always as identity primary key,
  agency_id integer not null references agencies(id),
  kind text not null check (kind in ('new', 'amended', 'abolished')),
  procedure_id integer not null references procedures(id),
  version_id integer references procedure_versions(id),
  procedure_code text not null,
  procedure_name text not null,
  title text not null,
  summary text not null,
  changes jsonb not null default '[]'::jsonb,
  published_at timestamptz not null default now()
);
create index catalog_announcements_agency on catalog_announcements(agency_id, published_at desc);
alter table catalog_announcements enable row level security;
-- Announcements are public notices.
create policy catalog_announcements_read on catalog_announcements for select using (true);
create policy catalog_announcements_write on catalog_announcements for insert with check (app_in_scope(agency_id));
