-- Staff imports of the procedure catalog (issue 17; docs/catalog.md, "Staff import"): a file is
-- uploaded, checked and compared with the catalog (the preview), then applied by the same
-- importer as the CLI. Announcements remember the decision they come from.

create table catalog_imports (
  id integer generated always as identity primary key,
  -- The uploader's agency: whose staff see the import.
  agency_id integer not null references agencies(id),
  -- The root (province) agency that owns the catalog and its new procedures.
  importing_agency_id integer not null references agencies(id),
  file_name text not null check (length(file_name) between 1 and 300),
  file_size integer not null check (file_size >= 0),
  file_sha256 text not null check (file_sha256 ~ '^[0-9a-f]{64}$'),
  shape text check (shape in ('portal', 'seed')),
  -- The announcement decision (Quyết định công bố): number, date, and the day it applies from.
  decision_number text check (decision_number is null or length(decision_number) between 1 and 100),
  decision_date date,
  effective_from date not null,
  abolish_codes text[] not null default '{}',
  abolish_missing text not null default 'none' check (abolish_missing in ('none', 'fields', 'all')),
  -- reading → previewed | invalid; previewed → applied (or stale when the catalog changed meanwhile).
  status text not null default 'reading' check (status in ('reading', 'previewed', 'invalid', 'applied', 'stale', 'failed')),
  progress_done integer not null default 0,
  progress_total integer not null default 0,
  progress_stage text,
  -- What the file changes: { records, added, amended (field by field), reinstated, abolished, unchanged, errors, problems }.
  preview jsonb,
  -- The parsed procedures that change something (added, amended, reinstated): what apply writes.
  procedures jsonb,
  -- { mark: max(procedures.updated_at), n: count } when the preview was made: apply refuses if the catalog moved since.
  catalog_mark jsonb,
  result jsonb,
  created_by integer references users(id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  applied_by integer references users(id),
  applied_at timestamptz,
  check (decision_date is null or decision_number is not null)
);
create index catalog_imports_agency on catalog_imports(agency_id, created_at desc);
alter table catalog_imports enable row level security;
create policy catalog_imports_scope on catalog_imports using (app_in_scope(agency_id)) with check (app_in_scope(agency_id));
revoke delete on catalog_imports from motcua_app;

alter table catalog_announcements
  add column import_id integer references catalog_imports(id),
  add column decision_number text,
  add column decision_date date,
  -- The day the change applies from (new version, abolition).
  add column effective_on date;
