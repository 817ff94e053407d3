-- Synchronisation with the National Public Service Portal (DVCQG; docs/sync.md).

-- An agency's connection: the adapter's address, its credentials and unit code, and the status
-- mapping (configuration, src/domain/sync/dvcqg.ts SyncMapping). The password is sealed with the
-- installation's data key like an ID number.
create table sync_dvcqg_settings (
  agency_id integer primary key references agencies(id),
  enabled boolean not null default false,
  endpoint text not null check (endpoint ~ '^https?://'),
  username text not null,
  password_sealed text not null,
  unit_code text not null,
  dst_code text not null,
  mapping jsonb not null,
  updated_by integer references users(id),
  updated_at timestamptz not null default now()
);
alter table sync_dvcqg_settings enable row level security;
create policy sync_dvcqg_settings_scope on sync_dvcqg_settings using (app_in_scope(agency_id)) with check (app_in_scope(agency_id));

-- The outbox: one row per dossier event of an agency that synchronises, written by the trigger
-- below in the same transaction as the event (so it exists exactly when the change committed),
-- sent in id order per dossier by the job (src/modules/sync-dvcqg/outbox.ts). event_id null =
-- the whole dossier again (a resend, or what the nightly reconciliation found missing).
create table sync_dvcqg_outbox (
  id bigint generated always as identity primary key,
  agency_id integer not null references agencies(id),
  dossier_id integer not null references dossiers(id),
  event_id bigint,
  status text not null default 'pending' check (status in ('pending', 'sent', 'failed')),
  attempts integer not null default 0,
  next_attempt_at timestamptz not null default now(),
  last_error text,
  portal_code integer,
  created_at timestamptz not null default now(),
  sent_at timestamptz
);
create index sync_dvcqg_outbox_unsent on sync_dvcqg_outbox (dossier_id, id) where status <> 'sent';
create index sync_dvcqg_outbox_due on sync_dvcqg_outbox (next_attempt_at, id) where status = 'pending';
create index sync_dvcqg_outbox_dossier on sync_dvcqg_outbox (dossier_id);
create index sync_dvcqg_outbox_failed on sync_dvcqg_outbox (agency_id, id) where status = 'failed';
alter table sync_dvcqg_outbox enable row level security;
create policy sync_dvcqg_outbox_scope on sync_dvcqg_outbox using (app_in_scope(agency_id)) with check (app_in_scope(agency_id));
revoke delete on sync_dvcqg_outbox from motcua_app;

-- A statement trigger: one insert per statement whatever the number of events (a batch of online
-- submissions writes its events in one statement), no round trip for the application. It runs as
-- the schema owner: the event of a transferred dossier is written by the receiving agency, whose
-- scope does not hold the dossier's agency. pg_notify is delivered at commit only, so the sender
-- wakes for committed rows and never for a rolled-back change.
create or replace function sync_dvcqg_enqueue() returns trigger language plpgsql security definer set search_path = public as $$
begin
  insert into sync_dvcqg_outbox (agency_id, dossier_id, event_id)
  select n.agency_id, n.dossier_id, n.id from new_events n
  where exists (select 1 from sync_dvcqg_settings s where s.agency_id = n.agency_id and s.enabled)
  order by n.id;
  if found then
    perform pg_notify('sync_dvcqg', '');
  end if;
  return null;
end $$;
create trigger dossier_events_sync_dvcqg after insert on dossier_events
  referencing new table as new_events for each statement execute function sync_dvcqg_enqueue();

-- Nightly reconciliation: what was compared and resent.
create table sync_dvcqg_reconciliations (
  id integer generated always as identity primary key,
  agency_id integer not null references agencies(id),
  ran_at timestamptz not null default now(),
  period_from date not null,
  period_to date not null,
  received integer not null,
  synced integer not null,
  checked_at_portal integer not null default 0,
  missing_at_portal integer not null default 0,
  resent integer not null,
  error text
);
create index sync_dvcqg_reconciliations_agency on sync_dvcqg_reconciliations (agency_id, ran_at desc);
alter table sync_dvcqg_reconciliations enable row level security;
create policy sync_dvcqg_reconciliations_scope on sync_dvcqg_reconciliations using (app_in_scope(agency_id)) with check (app_in_scope(agency_id));

-- The local catalog against the national one (LayDanhSachTTHC, LayThuTuc): the last check's
-- differences per procedure the agency offers.
create table sync_dvcqg_catalog_diffs (
  agency_id integer not null references agencies(id),
  procedure_code text not null,
  differences jsonb not null,
  checked_at timestamptz not null default now(),
  primary key (agency_id, procedure_code)
);
alter table sync_dvcqg_catalog_diffs enable row level security;
create policy sync_dvcqg_catalog_diffs_scope on sync_dvcqg_catalog_diffs using (app_in_scope(agency_id)) with check (app_in_scope(agency_id));

create table sync_dvcqg_catalog_checks (
  id integer generated always as identity primary key,
  agency_id integer not null references agencies(id),
  checked_at timestamptz not null default now(),
  national_count integer not null,
  compared integer not null,
  differing integer not null,
  error text
);
alter table sync_dvcqg_catalog_checks enable row level security;
create policy sync_dvcqg_catalog_checks_scope on sync_dvcqg_catalog_checks using (app_in_scope(agency_id)) with check (app_in_scope(agency_id));
