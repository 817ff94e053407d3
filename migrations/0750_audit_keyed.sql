-- A keyed, anchored audit chain (docs/security.md). New links are HMAC-SHA256 with a key held
-- outside the database (alg 1); links written before keep their SHA-256 (alg 0) and are anchored
-- by the first signed checkpoint. Every agency with any entry has a head for each of its 16
-- lanes, so a lane deleted with its head is noticed. Checkpoints of all heads are signed with an
-- Ed25519 key held outside the database and also exported to files; verifications are recorded.
create extension if not exists pgcrypto;

alter table audit_log add column alg smallint not null default 0 check (alg in (0, 1));

create or replace function audit_heads_complete() returns trigger language plpgsql as $$
begin
  if pg_trigger_depth() > 1 then return new; end if;
  insert into audit_heads (agency_id, lane, seq, hash)
  select new.agency_id, l, 0, repeat('0', 64) from generate_series(0, 15) l
  on conflict (agency_id, lane) do nothing;
  return new;
end $$;
create trigger audit_heads_complete after insert on audit_heads for each row execute function audit_heads_complete();

insert into audit_heads (agency_id, lane, seq, hash)
select a.agency_id, l, 0, repeat('0', 64) from (select distinct agency_id from audit_heads) a, generate_series(0, 15) l
on conflict (agency_id, lane) do nothing;

create table audit_checkpoints (
  id integer generated always as identity primary key,
  at timestamptz not null default now(),
  -- {"at", "rows", "heads": [[agency_id, lane, seq, hash], …]} as signed (canonical JSON).
  payload jsonb not null,
  signature text not null,
  key_id text not null
);
create table audit_verifications (
  id integer generated always as identity primary key,
  at timestamptz not null default now(),
  ok boolean not null,
  rows integer not null,
  problems jsonb not null default '[]'::jsonb,
  trigger text not null
);
-- System data: read and written by jobs, the CLI and the administrator's page as the system.
alter table audit_checkpoints enable row level security;
alter table audit_verifications enable row level security;
revoke update, delete on audit_checkpoints from motcua_app;
