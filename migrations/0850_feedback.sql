-- Citizens' voice (issue 14): feedback and petitions (phản ánh, kiến nghị — PAKN) with their
-- handling and published answers, and satisfaction ratings of dossiers (the 9-item evaluation
-- form) with the one-use kiosk links the desk opens. The PAKN life cycle is the table in
-- src/domain/feedback/workflow.ts; lateness is derived from the due times stored here.

create table feedback (
  id integer generated always as identity primary key,
  agency_id integer not null references agencies(id),
  code text not null unique check (code ~ '^PAKN-[0-9]{6}-[2-9A-HJ-NP-Z]{6}$'),
  topic text not null check (topic in ('procedure', 'dossier', 'conduct', 'rule', 'other')),
  subject text not null check (length(subject) between 1 and 200),
  -- Plain text, cleaned by the article sanitiser (src/domain/feedback/submission.ts).
  content text not null check (length(content) between 1 and 5000),
  procedure_code text,
  procedure_name text,
  dossier_code text,
  dossier_id integer references dossiers(id),
  anonymous boolean not null,
  contact_name text,
  contact_phone text,
  contact_email text,
  check (contact_phone is not null or contact_email is not null),
  check (not anonymous or contact_name is null),
  consent_publish boolean not null default false,
  lang text not null default 'vi' check (lang in ('vi', 'en')),
  status text not null check (status in ('received', 'info_requested', 'assigned', 'awaiting_approval', 'answered', 'published',
    'rejected', 'transferred', 'closed')),
  -- Status to go back to when the petitioner has supplied the information asked for.
  resume_status text,
  received_at timestamptz not null,
  triage_due_at timestamptz not null,
  info_due_at timestamptz not null,
  -- Moves by the working time spent waiting for the petitioner.
  answer_due_at timestamptz not null,
  publish_due_at timestamptz,
  assignee_user_id integer references users(id),
  answer text check (length(answer) <= 10000),
  answered_at timestamptz,
  published_at timestamptz,
  transferred_to text,
  closed_at timestamptz,
  petitioner_rating text check (petitioner_rating in ('satisfied', 'dissatisfied')),
  petitioner_rated_at timestamptz,
  submitted_by_user_id integer references users(id),
  -- Keyed hash of the sender's address, for the per-address limit; the address itself is not kept.
  source_hash text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index feedback_queue on feedback (agency_id, status, answer_due_at);
create index feedback_received on feedback (agency_id, received_at);
create index feedback_assignee on feedback (assignee_user_id, status) where assignee_user_id is not null;
create index feedback_dossier on feedback (dossier_id) where dossier_id is not null;
create index feedback_source on feedback (source_hash, created_at) where source_hash is not null;
alter table feedback enable row level security;
create policy feedback_scope on feedback using (app_in_scope(agency_id)) with check (app_in_scope(agency_id));
revoke delete on feedback from motcua_app;

create table feedback_events (
  id bigint generated always as identity primary key,
  agency_id integer not null references agencies(id),
  feedback_id integer not null references feedback(id),
  at timestamptz not null default now(),
  action text not null,
  from_status text,
  to_status text not null,
  actor_user_id integer references users(id),
  actor_label text not null,
  note text,
  data jsonb not null default '{}'::jsonb
);
create index feedback_events_feedback on feedback_events (feedback_id, at, id);
alter table feedback_events enable row level security;
create policy feedback_events_scope on feedback_events using (app_in_scope(agency_id)) with check (app_in_scope(agency_id));
revoke update, delete on feedback_events from motcua_app;

-- Files sent with a PAKN (or with the information asked for), checked as dossier uploads are and
-- stored beside them under DATA_DIR/files; never published.
create table feedback_attachments (
  id integer generated always as identity primary key,
  agency_id integer not null references agencies(id),
  feedback_id integer not null references feedback(id),
  file_name text not null,
  content_type text not null,
  size integer not null,
  sha256 text not null,
  storage_path text not null,
  created_at timestamptz not null default now()
);
create index feedback_attachments_feedback on feedback_attachments (feedback_id);
alter table feedback_attachments enable row level security;
create policy feedback_attachments_scope on feedback_attachments using (app_in_scope(agency_id)) with check (app_in_scope(agency_id));
revoke update, delete on feedback_attachments from motcua_app;

-- What the public page shows of a published PAKN: the masked question and answer only, in a
-- table of its own, so that no query of an anonymous visitor can reach a contact or a name.
create table feedback_publications (
  feedback_id integer primary key references feedback(id),
  agency_id integer not null references agencies(id),
  code text not null unique,
  topic text not null,
  subject text not null,
  question text not null,
  answer text not null,
  received_at timestamptz not null,
  answered_at timestamptz not null,
  published_at timestamptz not null default now(),
  search_text text not null default ''
);
create index feedback_publications_list on feedback_publications (agency_id, published_at desc);
create index feedback_publications_search on feedback_publications using gin (search_text gin_trgm_ops);
alter table feedback_publications enable row level security;
create policy feedback_publications_public on feedback_publications for select using (true);
create policy feedback_publications_write on feedback_publications for insert with check (app_in_scope(agency_id));
revoke update, delete on feedback_publications from motcua_app;

-- One rating per dossier (the unique key decides between two at once). Anonymous to the officers
-- who handled the dossier: pages show them aggregates only (src/modules/feedback/ratings.ts).
create table dossier_ratings (
  id integer generated always as identity primary key,
  agency_id integer not null references agencies(id),
  dossier_id integer not null unique references dossiers(id),
  procedure_code text not null,
  procedure_name text not null,
  procedure_field text not null default '',
  overall text not null check (overall in ('very_satisfied', 'satisfied', 'dissatisfied')),
  item1 smallint not null check (item1 between 0 and 2),
  item2 smallint not null check (item2 between 0 and 2),
  item3 smallint not null check (item3 between 0 and 2),
  item4 smallint not null check (item4 between 0 and 2),
  item5 smallint not null check (item5 between 0 and 2),
  item6 smallint not null check (item6 between 0 and 2),
  item7 smallint not null check (item7 between 0 and 2),
  item8 smallint not null check (item8 between 0 and 2),
  item9 smallint not null check (item9 between 0 and 2),
  points smallint generated always as (item1 + item2 + item3 + item4 + item5 + item6 + item7 + item8 + item9) stored,
  comment text check (length(comment) <= 1000),
  channel text not null check (channel in ('online', 'account', 'kiosk', 'api')),
  -- Staff who acted on the dossier when it was rated: the per-official aggregates read this.
  handled_by integer[] not null default '{}',
  rated_at timestamptz not null default now()
);
create index dossier_ratings_period on dossier_ratings (agency_id, rated_at);
create index dossier_ratings_handled on dossier_ratings using gin (handled_by);
alter table dossier_ratings enable row level security;
create policy dossier_ratings_scope on dossier_ratings using (app_in_scope(agency_id)) with check (app_in_scope(agency_id));
revoke update, delete on dossier_ratings from motcua_app;

-- The kiosk page the desk opens on a tablet for the applicant: bound to one dossier, used once,
-- short-lived. Only the token's hash is kept.
create table rating_kiosk_tokens (
  token_hash text primary key,
  agency_id integer not null references agencies(id),
  dossier_id integer not null references dossiers(id),
  created_by integer references users(id),
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  used_at timestamptz
);
create index rating_kiosk_tokens_dossier on rating_kiosk_tokens (dossier_id);
alter table rating_kiosk_tokens enable row level security;
create policy rating_kiosk_tokens_scope on rating_kiosk_tokens using (app_in_scope(agency_id)) with check (app_in_scope(agency_id));
