-- Personal data protection (Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15, in force 01/01/2026;
-- docs/privacy.md): ID numbers encrypted at rest, consent recorded with the dossier, the access
-- log of staff views, the data subject's requests, retention settings and anonymisation, the
-- breach register.

-- ID numbers: applicant_id_number now holds the sealed value ("v1.<key id>.<ciphertext>",
-- src/modules/privacy/sealing.ts), applicant_id_hash a keyed hash for look-ups. The key lives in
-- the environment, never here, so rows written before this migration are sealed by the
-- application when it starts (sealLegacyRows); the check refuses any new plain number.
alter table dossiers add column applicant_id_hash text;
alter table dossiers add constraint dossiers_id_sealed check (applicant_id_number = '' or applicant_id_number like 'v1.%') not valid;
create index dossiers_id_hash on dossiers (applicant_id_hash) where applicant_id_hash is not null;

-- Consent: the version of the text the applicant agreed to (src/domain/privacy/consent.ts), when
-- and where. Dossiers from before have none: the page says so rather than invent one.
alter table dossiers
  add column consent_version text,
  add column consent_at timestamptz,
  add column consent_channel text check (consent_channel in ('online', 'counter')),
  -- Set when the retention job (or an accepted deletion request) removed the personal data; the
  -- dossier's procedure, dates and statuses stay, so statistics do not change.
  add column anonymised_at timestamptz;
create index dossiers_closed_to_anonymise on dossiers (agency_id, closed_at) where closed_at is not null and anonymised_at is null;

-- Every view of a dossier's personal data by staff: who, when, which dossier, how (page, slip,
-- file, API, export) and — outside their queue — why. Append-only for the application. The
-- applicant reads the rows of their own dossiers (the dossiers policy lets them see those).
create table personal_data_access (
  id bigint generated always as identity primary key,
  agency_id integer not null references agencies(id),
  dossier_id integer not null references dossiers(id),
  user_id integer not null references users(id),
  viewer_agency_id integer not null references agencies(id),
  at timestamptz not null default now(),
  kind text not null check (kind in ('view', 'reveal', 'slip', 'attachment', 'api', 'export', 'correction')),
  -- The data was shown whole (in the viewer's queue, or after a reason), or masked.
  whole boolean not null,
  in_queue boolean not null,
  reason text check (reason is null or length(reason) between 5 and 500)
);
create index personal_data_access_dossier on personal_data_access (dossier_id, at desc);
create index personal_data_access_reveal on personal_data_access (user_id, dossier_id, at desc) where kind = 'reveal';
alter table personal_data_access enable row level security;
create policy personal_data_access_read on personal_data_access for select
  using (app_in_scope(agency_id) or app_in_scope(viewer_agency_id) or exists (select 1 from dossiers d where d.id = dossier_id));
create policy personal_data_access_insert on personal_data_access for insert
  with check (user_id = app_user_id() and (app_in_scope(agency_id) or app_in_scope(viewer_agency_id)));
revoke update, delete on personal_data_access from motcua_app;

-- A data subject's requests about a dossier's data (correction, deletion), answered by the
-- agency's staff within the deadline. A correction's new values may hold an ID number: they are
-- sealed like the dossier's (requested is the JSON of the sealed values).
create table privacy_requests (
  id integer generated always as identity primary key,
  agency_id integer not null references agencies(id),
  dossier_id integer not null references dossiers(id),
  user_id integer not null references users(id),
  kind text not null check (kind in ('correction', 'deletion')),
  details text not null check (length(details) between 5 and 2000),
  requested jsonb not null default '{}'::jsonb,
  status text not null default 'open' check (status in ('open', 'done', 'refused')),
  created_at timestamptz not null default now(),
  due_at timestamptz not null,
  handled_by integer references users(id),
  handled_at timestamptz,
  answer text
);
create index privacy_requests_open on privacy_requests (agency_id, due_at) where status = 'open';
create index privacy_requests_user on privacy_requests (user_id, created_at desc);
alter table privacy_requests enable row level security;
create policy privacy_requests_staff on privacy_requests using (app_in_scope(agency_id)) with check (app_in_scope(agency_id));
-- The requester reads and files their own (their scope holds no agency).
create policy privacy_requests_own_read on privacy_requests for select using (user_id = app_user_id());
create policy privacy_requests_own_insert on privacy_requests for insert
  with check (user_id = app_user_id() and exists (select 1 from dossiers d where d.id = dossier_id and d.applicant_user_id = app_user_id()));
revoke delete on privacy_requests from motcua_app;

-- Retention per procedure field, years (null: kept permanently); no row = the default of
-- src/domain/privacy/rules.ts.
create table privacy_retention (
  agency_id integer not null references agencies(id),
  field text not null,
  years integer check (years is null or years between 1 and 100),
  basis text not null default '',
  updated_by integer references users(id),
  updated_at timestamptz not null default now(),
  primary key (agency_id, field)
);
alter table privacy_retention enable row level security;
create policy privacy_retention_scope on privacy_retention using (app_in_scope(agency_id)) with check (app_in_scope(agency_id));

-- The breach register: what happened, what data and how many people, what was done, and whether
-- the authority (within 72 hours of discovery) and the people concerned were notified.
create table privacy_breaches (
  id integer generated always as identity primary key,
  agency_id integer not null references agencies(id),
  discovered_at timestamptz not null,
  description text not null check (length(description) between 10 and 4000),
  data_affected text not null default '',
  subjects_count integer check (subjects_count is null or subjects_count >= 0),
  measures text not null default '',
  authority_notified_at timestamptz,
  subjects_notified_at timestamptz,
  closed_at timestamptz,
  recorded_by integer references users(id),
  created_at timestamptz not null default now()
);
create index privacy_breaches_agency on privacy_breaches (agency_id, discovered_at desc);
alter table privacy_breaches enable row level security;
create policy privacy_breaches_scope on privacy_breaches using (app_in_scope(agency_id)) with check (app_in_scope(agency_id));
revoke delete on privacy_breaches from motcua_app;
