-- Dossiers (hồ sơ): life cycle in src/domain/dossiers/state-machine.ts; overdue / due soon are
-- derived (src/domain/dossiers/timeliness.ts), never stored.
-- Visibility: the agency that holds the dossier; the agency it was last transferred to (liên
-- thông, transfer_agency_id); the citizen account that submitted it.

create table dossiers (
  id integer generated always as identity primary key,
  agency_id integer not null references agencies(id),
  code text not null,
  procedure_code text not null,
  procedure_name text not null,
  procedure_field text not null default '',
  procedure_version_id integer,
  online_level text not null default 'none' check (online_level in ('full', 'partial', 'none')),
  channel text not null check (channel in ('online', 'in_person', 'post')),
  status text not null check (status in ('submitted', 'received', 'in_progress', 'awaiting_approval', 'approved', 'supplement_requested',
    'transferred', 'result_ready', 'returned', 'refused', 'withdrawn')),
  -- Status to go back to when a pause or a transfer ends.
  resume_status text,
  applicant_full_name text not null,
  applicant_id_number text not null,
  applicant_phone text not null,
  applicant_email text,
  applicant_address jsonb not null default '{}'::jsonb,
  fields jsonb not null default '{}'::jsonb,
  -- Required documents ticked as received at the counter: [{ name, received }]
  documents jsonb not null default '[]'::jsonb,
  submitted_at timestamptz,
  -- Online dossiers must be accepted or sent back within 8 working hours (Nghị định 45/2020/NĐ-CP).
  accept_due_at timestamptz,
  received_at timestamptz,
  due_at timestamptz,
  finished_at timestamptz,
  returned_at timestamptz,
  closed_at timestamptz,
  time_limit_amount integer,
  time_limit_unit text check (time_limit_unit in ('working_days', 'working_hours', 'calendar_days')),
  -- Sum of apology re-dates (Mẫu 04), in time_limit_unit: the appointment is (limit + extension) after receipt, pauses added.
  extension_amount integer not null default 0,
  assignee_user_id integer references users(id),
  leader_user_id integer references users(id),
  supplement_count integer not null default 0,
  paused_ms bigint not null default 0,
  transfer_agency_id integer references agencies(id),
  created_by integer references users(id),
  applicant_user_id integer references users(id),
  idempotency_key text,
  request_hash text,
  search_text text not null default '',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (agency_id, code),
  unique (agency_id, idempotency_key)
);
create index dossiers_queue on dossiers (agency_id, status, due_at);
create index dossiers_assignee on dossiers (assignee_user_id, status, due_at) where assignee_user_id is not null;
create index dossiers_leader on dossiers (leader_user_id, status) where leader_user_id is not null;
create index dossiers_received on dossiers (agency_id, received_at);
create index dossiers_finished on dossiers (agency_id, finished_at);
create index dossiers_transfer on dossiers (transfer_agency_id) where transfer_agency_id is not null;
create index dossiers_code on dossiers (code);
create index dossiers_applicant_user on dossiers (applicant_user_id) where applicant_user_id is not null;
create index dossiers_search on dossiers using gin (search_text gin_trgm_ops);
alter table dossiers enable row level security;
create policy dossiers_read on dossiers for select
  using (app_in_scope(agency_id) or app_in_scope(transfer_agency_id) or applicant_user_id = app_user_id());
create policy dossiers_insert on dossiers for insert with check (app_in_scope(agency_id));
create policy dossiers_update on dossiers for update
  using (app_in_scope(agency_id) or app_in_scope(transfer_agency_id) or applicant_user_id = app_user_id())
  with check (app_in_scope(agency_id) or app_in_scope(transfer_agency_id) or applicant_user_id = app_user_id());
revoke delete on dossiers from motcua_app;

-- Every hand-over; the control slip (Mẫu 05) is built from these rows.
create table dossier_events (
  id bigint generated always as identity primary key,
  agency_id integer not null references agencies(id),
  dossier_id integer not null references dossiers(id),
  at timestamptz not null default now(),
  action text not null,
  from_status text,
  to_status text not null,
  actor_user_id integer references users(id),
  actor_label text not null,
  actor_agency_id integer references agencies(id),
  note text,
  data jsonb not null default '{}'::jsonb
);
create index dossier_events_dossier on dossier_events (dossier_id, at, id);
alter table dossier_events enable row level security;
create policy dossier_events_read on dossier_events for select
  using (app_in_scope(agency_id) or exists (select 1 from dossiers d where d.id = dossier_id));
create policy dossier_events_insert on dossier_events for insert
  with check (app_in_scope(agency_id) or exists (select 1 from dossiers d where d.id = dossier_id));
revoke update, delete on dossier_events from motcua_app;

create table dossier_attachments (
  id integer generated always as identity primary key,
  agency_id integer not null references agencies(id),
  dossier_id integer not null references dossiers(id),
  kind text not null default 'document' check (kind in ('document', 'result', 'supplement')),
  document_name text not null,
  file_name text not null,
  content_type text not null,
  size integer not null,
  sha256 text not null,
  -- Relative to DATA_DIR/files: <agency>/<yyyy>/<random>; never the client's name.
  storage_path text not null,
  created_by integer references users(id),
  created_at timestamptz not null default now()
);
create index dossier_attachments_dossier on dossier_attachments (dossier_id);
alter table dossier_attachments enable row level security;
create policy dossier_attachments_read on dossier_attachments for select
  using (app_in_scope(agency_id) or exists (select 1 from dossiers d where d.id = dossier_id));
create policy dossier_attachments_insert on dossier_attachments for insert
  with check (app_in_scope(agency_id) or exists (select 1 from dossiers d where d.id = dossier_id));
revoke update, delete on dossier_attachments from motcua_app;

-- Clock pauses while the applicant supplements the dossier (Mẫu 02).
create table dossier_pauses (
  id integer generated always as identity primary key,
  agency_id integer not null references agencies(id),
  dossier_id integer not null references dossiers(id),
  from_at timestamptz not null,
  to_at timestamptz,
  reasons text not null default '',
  check (to_at is null or to_at >= from_at)
);
create index dossier_pauses_dossier on dossier_pauses (dossier_id, from_at);
create unique index dossier_pauses_open on dossier_pauses (dossier_id) where to_at is null;
alter table dossier_pauses enable row level security;
create policy dossier_pauses_scope on dossier_pauses
  using (app_in_scope(agency_id) or exists (select 1 from dossiers d where d.id = dossier_id))
  with check (app_in_scope(agency_id) or exists (select 1 from dossiers d where d.id = dossier_id));

-- Transfers to another agency of the installation (liên thông) and back.
create table dossier_transfers (
  id integer generated always as identity primary key,
  agency_id integer not null references agencies(id),
  dossier_id integer not null references dossiers(id),
  to_agency_id integer not null references agencies(id),
  sent_at timestamptz not null default now(),
  sent_by integer references users(id),
  note text not null default '',
  returned_at timestamptz,
  returned_by integer references users(id),
  return_note text
);
create index dossier_transfers_dossier on dossier_transfers (dossier_id);
create index dossier_transfers_to on dossier_transfers (to_agency_id, returned_at);
alter table dossier_transfers enable row level security;
create policy dossier_transfers_scope on dossier_transfers
  using (app_in_scope(agency_id) or app_in_scope(to_agency_id))
  with check (app_in_scope(agency_id) or app_in_scope(to_agency_id));
revoke delete on dossier_transfers from motcua_app;

-- Assignment by rule: field → specialist, per agency.
create table dossier_assignment_rules (
  id integer generated always as identity primary key,
  agency_id integer not null references agencies(id),
  field text not null,
  user_id integer not null references users(id),
  unique (agency_id, field)
);
alter table dossier_assignment_rules enable row level security;
create policy dossier_assignment_rules_scope on dossier_assignment_rules using (app_in_scope(agency_id)) with check (app_in_scope(agency_id));

-- Online drafts: the citizen comes back with the token (cookie or URL); only its hash is kept.
create table dossier_drafts (
  id integer generated always as identity primary key,
  agency_id integer not null references agencies(id),
  token_hash text not null unique,
  procedure_code text not null,
  data jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  expires_at timestamptz not null
);
alter table dossier_drafts enable row level security;
create policy dossier_drafts_scope on dossier_drafts using (app_in_scope(agency_id)) with check (app_in_scope(agency_id));
