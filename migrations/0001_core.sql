-- Core schema: agencies (tenants), accounts, sessions, API tokens, audit log.
-- Tenant isolation: every tenant table has agency_id and row-level security policies that read
-- the transaction settings made by src/db/scope.ts. Scoped transactions run as motcua_app,
-- which is not a superuser and cannot bypass RLS.

create extension if not exists unaccent;
create extension if not exists pg_trgm;

do $$ begin
  create role motcua_app nologin;
exception when duplicate_object then null;
end $$;
grant motcua_app to current_user;
grant usage on schema public to motcua_app;
alter default privileges in schema public grant select, insert, update, delete on tables to motcua_app;
alter default privileges in schema public grant usage, select on sequences to motcua_app;
alter default privileges in schema public grant execute on functions to motcua_app;

create or replace function app_agency_ids() returns integer[] language sql stable as $$
  select coalesce(nullif(current_setting('app.agency_ids', true), ''), '{}')::integer[]
$$;
create or replace function app_all_agencies() returns boolean language sql stable as $$
  select coalesce(current_setting('app.all_agencies', true), 'off') = 'on'
$$;
create or replace function app_user_id() returns integer language sql stable as $$
  select nullif(current_setting('app.user_id', true), '')::integer
$$;
create or replace function app_in_scope(a integer) returns boolean language sql stable as $$
  select app_all_agencies() or a = any(app_agency_ids())
$$;
-- Folding for search: lower-case, no tones, đ → d (unaccent is not immutable, so wrap it).
create or replace function fold(t text) returns text language sql immutable parallel safe as $$
  select lower(public.unaccent('public.unaccent'::regdictionary, replace(replace(coalesce(t, ''), 'đ', 'd'), 'Đ', 'D')))
$$;

-- Installation-wide settings (not tenant data; read only by the system context).
create table app_settings (
  key text primary key,
  value jsonb not null,
  updated_at timestamptz not null default now()
);
revoke all on app_settings from motcua_app;

create table agencies (
  id integer generated always as identity primary key,
  parent_id integer references agencies(id),
  kind text not null check (kind ~ '^[a-z_]{2,30}$'),
  unit_type text,
  gso_code text unique,
  code text not null unique,
  unit_name text not null,
  name text not null,
  name_en text,
  slug text,
  address text,
  phone text,
  email text,
  working_hours text,
  office jsonb not null default '{}'::jsonb,
  is_demo boolean not null default false,
  search_text text not null default '',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index agencies_parent on agencies(parent_id);
create index agencies_search on agencies using gin (search_text gin_trgm_ops);
alter table agencies enable row level security;
-- Agency names and codes are public information.
create policy agencies_read on agencies for select using (true);
create policy agencies_update on agencies for update using (app_in_scope(id)) with check (app_in_scope(id));

create table users (
  id integer generated always as identity primary key,
  agency_id integer not null references agencies(id),
  username text not null unique check (username = lower(username) and username ~ '^[a-z0-9._-]{3,64}$'),
  full_name text not null,
  role text not null,
  title text,
  email text,
  phone text,
  password_hash text not null,
  must_change_password boolean not null default false,
  failed_attempts integer not null default 0,
  locked_until timestamptz,
  active boolean not null default true,
  is_demo boolean not null default false,
  created_at timestamptz not null default now(),
  last_login_at timestamptz
);
create index users_agency on users(agency_id);
alter table users enable row level security;
create policy users_read on users for select using (app_in_scope(agency_id) or id = app_user_id());
create policy users_write on users for insert with check (app_in_scope(agency_id));
create policy users_update on users for update using (app_in_scope(agency_id) or id = app_user_id())
  with check (app_in_scope(agency_id) or id = app_user_id());

-- Sessions are handled only by the authentication layer (system context).
create table sessions (
  id text primary key,
  user_id integer not null references users(id) on delete cascade,
  agency_id integer not null references agencies(id),
  created_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now(),
  expires_at timestamptz not null,
  ip text,
  user_agent text
);
create index sessions_user on sessions(user_id);
revoke all on sessions from motcua_app;

create table api_tokens (
  id integer generated always as identity primary key,
  agency_id integer not null references agencies(id),
  user_id integer not null references users(id) on delete cascade,
  name text not null,
  token_hash text not null unique,
  prefix text not null,
  created_at timestamptz not null default now(),
  last_used_at timestamptz,
  revoked_at timestamptz
);
alter table api_tokens enable row level security;
create policy api_tokens_scope on api_tokens using (app_in_scope(agency_id)) with check (app_in_scope(agency_id));

-- Append-only audit log, hash-chained per agency. audit_heads holds each chain's last link so
-- that deleting the newest rows is detected too.
create table audit_log (
  id bigint generated always as identity primary key,
  agency_id integer not null references agencies(id),
  seq integer not null,
  at timestamptz not null,
  actor_user_id integer,
  actor text not null,
  action text not null,
  entity text not null,
  entity_id text not null,
  data jsonb not null default '{}'::jsonb,
  prev_hash text not null,
  hash text not null,
  unique (agency_id, seq)
);
create index audit_entity on audit_log(entity, entity_id);
alter table audit_log enable row level security;
create policy audit_read on audit_log for select using (app_in_scope(agency_id));
create policy audit_append on audit_log for insert with check (app_in_scope(agency_id));
revoke update, delete on audit_log from motcua_app;

create table audit_heads (
  agency_id integer primary key references agencies(id),
  seq integer not null,
  hash text not null
);
alter table audit_heads enable row level security;
create policy audit_heads_scope on audit_heads using (app_in_scope(agency_id)) with check (app_in_scope(agency_id));
revoke delete on audit_heads from motcua_app;

grant select, insert, update, delete on all tables in schema public to motcua_app;
revoke all on app_settings, sessions from motcua_app;
revoke update, delete on audit_log from motcua_app;
revoke delete on audit_heads from motcua_app;
