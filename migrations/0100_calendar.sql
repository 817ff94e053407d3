-- Working calendar: official holiday schedules entered by administrators, a version counter that
-- tells every app instance when a cached agency calendar is stale, and dossier code counters.

-- A year's official schedule (the whole YearSchedule of src/domain/calendar/schedules.ts as jsonb),
-- entered by an administrator for their agency. A commune uses the nearest schedule of the year
-- found on itself or its ancestors, else the shipped one, else the default rules.
create table calendar_schedules (
  id integer generated always as identity primary key,
  agency_id integer not null references agencies(id),
  year integer not null check (year between 1900 and 2100),
  schedule jsonb not null,
  document_number text not null,
  document_date date not null,
  document_issuer text not null,
  updated_by integer references users(id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (agency_id, year)
);
alter table calendar_schedules enable row level security;
-- Holiday schedules are public information (the public deadline API reads them for any commune).
create policy calendar_schedules_read on calendar_schedules for select using (true);
create policy calendar_schedules_insert on calendar_schedules for insert with check (app_in_scope(agency_id));
create policy calendar_schedules_update on calendar_schedules for update using (app_in_scope(agency_id)) with check (app_in_scope(agency_id));
create policy calendar_schedules_delete on calendar_schedules for delete using (app_in_scope(agency_id));

-- Bumped in the same transaction as every change of an agency's schedules or office settings.
-- A cached calendar remembers the versions of its agency and ancestors and is rebuilt when they
-- differ, so several app instances never use a stale calendar.
create table calendar_versions (
  id integer generated always as identity primary key,
  agency_id integer not null unique references agencies(id),
  version bigint not null default 1,
  updated_at timestamptz not null default now()
);
alter table calendar_versions enable row level security;
create policy calendar_versions_read on calendar_versions for select using (true);
create policy calendar_versions_insert on calendar_versions for insert with check (app_in_scope(agency_id));
create policy calendar_versions_update on calendar_versions for update using (app_in_scope(agency_id)) with check (app_in_scope(agency_id));

-- Dossier code counters: one row per (agency, scope key) where the key is the period the sequence
-- restarts in ("2026-11-28", "2026-11", "2026" or "all"). Incremented in the receipt's transaction.
create table dossier_code_counters (
  id integer generated always as identity primary key,
  agency_id integer not null references agencies(id),
  scope_key text not null check (length(scope_key) between 1 and 20),
  last_seq bigint not null check (last_seq > 0),
  updated_at timestamptz not null default now(),
  unique (agency_id, scope_key)
);
alter table dossier_code_counters enable row level security;
create policy dossier_code_counters_scope on dossier_code_counters using (app_in_scope(agency_id)) with check (app_in_scope(agency_id));
