-- Notifications of dossier steps (issue 5): an outbox of e-mails and SMS written in the same
-- transaction as the dossier change and sent after commit by a job; in-app notifications for
-- staff; "already notified" markers of the overdue sweep (overdue itself is derived, never stored).
-- dossier_id carries no foreign key so this migration does not depend on the dossier core's order.

create table notification_outbox (
  id integer generated always as identity primary key,
  agency_id integer not null references agencies(id),
  dossier_id integer,
  kind text not null check (kind ~ '^[a-z_]{2,40}$'),
  channel text not null check (channel in ('email', 'sms')),
  recipient text not null,
  lang text not null default 'vi' check (lang in ('vi', 'en')),
  subject text not null default '',
  body text not null,
  -- Same key twice → one message (events replayed, sweep run twice).
  dedupe_key text unique,
  status text not null default 'pending' check (status in ('pending', 'sent', 'failed', 'skipped')),
  attempts integer not null default 0,
  next_attempt_at timestamptz not null default now(),
  last_error text,
  -- eSMS RequestId: random, so a delivery report naming it (with the SMSID) is genuine.
  request_id text unique,
  provider_id text,
  -- SMS delivery report from the gateway's callback (eSMS SendStatus: 5 sent, 4 rejected, 7 at telco).
  delivery_status text,
  delivered_at timestamptz,
  created_at timestamptz not null default now(),
  sent_at timestamptz
);
create index notification_outbox_due on notification_outbox(next_attempt_at) where status = 'pending';
create index notification_outbox_dossier on notification_outbox(dossier_id);
alter table notification_outbox enable row level security;
create policy notification_outbox_scope on notification_outbox using (app_in_scope(agency_id)) with check (app_in_scope(agency_id));

create table staff_notifications (
  id integer generated always as identity primary key,
  agency_id integer not null references agencies(id),
  user_id integer not null references users(id) on delete cascade,
  dossier_id integer,
  kind text not null check (kind ~ '^[a-z_]{2,40}$'),
  title text not null,
  body text not null default '',
  href text,
  -- A task (e.g. "prepare the apology slip") stays open until done, unlike a plain notice.
  is_task boolean not null default false,
  dedupe_key text unique,
  created_at timestamptz not null default now(),
  read_at timestamptz,
  done_at timestamptz
);
create index staff_notifications_user on staff_notifications(user_id, created_at desc);
create index staff_notifications_unread on staff_notifications(user_id) where read_at is null;
alter table staff_notifications enable row level security;
-- Anyone acting for the agency may notify a colleague; only the recipient reads and marks them.
create policy staff_notifications_insert on staff_notifications for insert with check (app_in_scope(agency_id));
create policy staff_notifications_read on staff_notifications for select using (app_in_scope(agency_id) and user_id = app_user_id());
create policy staff_notifications_update on staff_notifications for update using (app_in_scope(agency_id) and user_id = app_user_id())
  with check (app_in_scope(agency_id) and user_id = app_user_id());

-- The sweep notifies once per dossier, kind and appointment: a re-dated dossier can be due soon again.
create table dossier_deadline_marks (
  agency_id integer not null references agencies(id),
  dossier_id integer not null,
  kind text not null check (kind in ('due_soon', 'overdue')),
  due_at timestamptz not null,
  notified_at timestamptz not null default now(),
  primary key (dossier_id, kind, due_at)
);
alter table dossier_deadline_marks enable row level security;
create policy dossier_deadline_marks_scope on dossier_deadline_marks using (app_in_scope(agency_id)) with check (app_in_scope(agency_id));
