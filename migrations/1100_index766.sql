-- QĐ 766 service-quality index (issue 15; src/domain/indexes/qd766.ts, docs/indexes.md).
-- Per agency and local day (UTC+7), the counts the index's dossier indicators are made of, so a
-- province of a hundred communes and a million dossiers sums a few tens of thousands of rows
-- instead of reading every dossier:
--   r_*: dossiers RECEIVED that day (received_at), by what is true of them now;
--   f_*: dossiers FINISHED that day (finished_at: result ready, or refused after receipt).
-- What depends on the period's end (dossiers still open then: 2.1's "in progress", 5.4's overdue)
-- is counted live by index766_open() over the open dossiers only (index dossiers_open766).
-- The rows are rebuilt per agency by the job "index766.refresh" (every minute) for the agencies
-- that statement triggers on the source tables marked dirty; index766_state says when.

create table index766_daily (
  agency_id integer not null references agencies(id),
  day date not null,
  r_received integer not null default 0,
  r_online integer not null default 0,
  -- 3.4: dossiers of procedures offered fully online, and those of them submitted online
  r_full_eligible integer not null default 0,
  r_full_online integer not null default 0,
  -- 1.4: every outbox row sent, none pending or failed (as src/modules/sync-dvcqg/status.ts counts)
  r_synced integer not null default 0,
  -- 3.6: a fee above zero; paid through the online gateway
  r_fee integer not null default 0,
  r_paid_online integer not null default 0,
  -- 4.2: documents received as files, and the result signed electronically when there is one
  r_digitised integer not null default 0,
  -- 4.3: a document taken from the applicant's store; 4.4: something saved to it
  r_reused integer not null default 0,
  r_stored integer not null default 0,
  -- 5.4 (as src/modules/feedback/indicators.ts counts): not withdrawn; of them finished late; complained about
  r_counted54 integer not null default 0,
  r_late54 integer not null default 0,
  r_complained54 integer not null default 0,
  -- 2.1 resolved in the period; 2.2 days from receipt to finishing; 4.1 with a result, and signed electronically
  f_resolved integer not null default 0,
  f_late integer not null default 0,
  f_days double precision not null default 0,
  f_result integer not null default 0,
  f_eresult integer not null default 0,
  primary key (agency_id, day)
);
alter table index766_daily enable row level security;
create policy index766_daily_read on index766_daily for select using (app_in_scope(agency_id));

-- 3.2 and 3.5b count procedures, not dossiers: per agency, day and procedure, online dossiers and
-- those paid online.
create table index766_procedure_daily (
  agency_id integer not null references agencies(id),
  day date not null,
  procedure_code text not null,
  online integer not null default 0,
  paid_online integer not null default 0,
  primary key (agency_id, day, procedure_code)
);
alter table index766_procedure_daily enable row level security;
create policy index766_procedure_daily_read on index766_procedure_daily for select using (app_in_scope(agency_id));

create table index766_state (
  agency_id integer primary key references agencies(id),
  refreshed_at timestamptz not null,
  refresh_ms integer not null default 0
);
alter table index766_state enable row level security;
create policy index766_state_read on index766_state for select using (app_in_scope(agency_id));

-- Agencies whose counts changed since their last rebuild.
create table index766_dirty (
  agency_id integer primary key references agencies(id),
  since timestamptz not null default now()
);
alter table index766_dirty enable row level security;
create policy index766_dirty_read on index766_dirty for select using (app_in_scope(agency_id));

-- One statement-level trigger per source table and event: one upsert per statement, whatever the
-- number of rows, and "do nothing" once the agency is already marked.
create or replace function index766_mark_dirty() returns trigger
language plpgsql security definer set search_path = public as $$
begin
  insert into index766_dirty (agency_id) select distinct n.agency_id from index766_changed n on conflict (agency_id) do nothing;
  return null;
end
$$;

do $$
declare
  t text;
  ev text;
begin
  foreach t in array array['dossiers', 'sync_dvcqg_outbox', 'dossier_fees', 'payments', 'dossier_ratings', 'e_results', 'dossier_attachments', 'dossier_document_reuses', 'applicant_documents', 'feedback'] loop
    foreach ev in array array['insert', 'update'] loop
      -- Rows that are only ever inserted need no update trigger.
      if ev = 'update' and t in ('e_results', 'dossier_attachments', 'dossier_document_reuses', 'applicant_documents', 'feedback') then
        continue;
      end if;
      execute format('create trigger %I after %s on %I referencing new table as index766_changed for each statement execute function index766_mark_dirty()',
        'index766_' || t || '_' || ev, ev, t);
    end loop;
  end loop;
end
$$;

-- Open dossiers by the end of their life (finished or closed), so "open at the period's end" reads
-- only those: for a period ending today, the dossiers open now.
create index dossiers_open766 on dossiers (agency_id, (coalesce(finished_at, closed_at))) include (received_at, due_at, finished_at, supplement_count, status);

-- Rebuilds one agency's rows from its dossiers and what hangs on them.
create or replace function index766_refresh(p_agency integer) returns void
language plpgsql security definer set search_path = public as $$
declare
  started timestamptz := clock_timestamp();
begin
  delete from index766_daily where agency_id = p_agency;
  delete from index766_procedure_daily where agency_id = p_agency;
  create temporary table if not exists index766_flags (
    id integer, procedure_code text, rday date, fday date, online boolean, full_eligible boolean, synced boolean, fee boolean, paid_online boolean,
    digitised boolean, reused boolean, stored boolean, counted54 boolean, late boolean, complained boolean, finished boolean, result boolean, eresult boolean, days double precision
  ) on commit drop;
  truncate index766_flags;
  insert into index766_flags
  select d.id, d.procedure_code,
    (d.received_at at time zone 'UTC' + interval '7 hours')::date,
    (d.finished_at at time zone 'UTC' + interval '7 hours')::date,
    d.channel = 'online',
    d.online_level = 'full',
    s.sent and not s.unsent,
    coalesce(fee.amount_vnd > 0, false),
    exists (select 1 from payments p where p.dossier_id = d.id and p.channel = 'vnpay' and p.status in ('paid', 'refund_requested', 'refunded')),
    exists (select 1 from dossier_attachments a where a.dossier_id = d.id and a.kind in ('document', 'supplement'))
      and (d.finished_at is null or d.status = 'refused' or er.signed),
    exists (select 1 from dossier_document_reuses r where r.dossier_id = d.id),
    exists (select 1 from applicant_documents ad where ad.source_dossier_id = d.id),
    d.status <> 'withdrawn',
    d.finished_at is not null and (d.supplement_count > 1 or d.finished_at > d.due_at),
    exists (select 1 from feedback f where f.dossier_id = d.id) or exists (select 1 from dossier_ratings r where r.dossier_id = d.id and r.overall = 'dissatisfied'),
    d.finished_at is not null,
    d.finished_at is not null and d.status <> 'refused',
    er.signed,
    extract(epoch from (d.finished_at - d.received_at)) / 86400.0
  from dossiers d
  cross join lateral (
    select coalesce(bool_or(o.status = 'sent'), false) as sent, coalesce(bool_or(o.status <> 'sent'), false) as unsent
    from sync_dvcqg_outbox o where o.dossier_id = d.id
  ) s
  cross join lateral (select exists (select 1 from e_results e where e.dossier_id = d.id) as signed) er
  left join dossier_fees fee on fee.dossier_id = d.id
  where d.agency_id = p_agency and d.received_at is not null;

  insert into index766_daily (agency_id, day, r_received, r_online, r_full_eligible, r_full_online, r_synced, r_fee, r_paid_online, r_digitised, r_reused, r_stored,
    r_counted54, r_late54, r_complained54, f_resolved, f_late, f_days, f_result, f_eresult)
  select p_agency, day, sum(r_received), sum(r_online), sum(r_full_eligible), sum(r_full_online), sum(r_synced), sum(r_fee), sum(r_paid_online), sum(r_digitised), sum(r_reused), sum(r_stored),
    sum(r_counted54), sum(r_late54), sum(r_complained54), sum(f_resolved), sum(f_late), sum(f_days), sum(f_result), sum(f_eresult)
  from (
    select rday as day, count(*) as r_received, count(*) filter (where online) as r_online, count(*) filter (where full_eligible) as r_full_eligible,
      count(*) filter (where full_eligible and online) as r_full_online, count(*) filter (where synced) as r_synced, count(*) filter (where fee) as r_fee,
      count(*) filter (where fee and paid_online) as r_paid_online, count(*) filter (where digitised) as r_digitised, count(*) filter (where reused) as r_reused,
      count(*) filter (where stored) as r_stored, count(*) filter (where counted54) as r_counted54, count(*) filter (where counted54 and late) as r_late54,
      count(*) filter (where counted54 and complained) as r_complained54,
      0 as f_resolved, 0 as f_late, 0::double precision as f_days, 0 as f_result, 0 as f_eresult
    from index766_flags group by rday
    union all
    select fday, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
      count(*), count(*) filter (where late), coalesce(sum(days), 0), count(*) filter (where result), count(*) filter (where result and eresult)
    from index766_flags where finished group by fday
  ) x group by day;

  insert into index766_procedure_daily (agency_id, day, procedure_code, online, paid_online)
  select p_agency, rday, procedure_code, count(*) filter (where online), count(*) filter (where paid_online)
  from index766_flags where online or paid_online group by rday, procedure_code;

  insert into index766_state (agency_id, refreshed_at, refresh_ms)
  values (p_agency, now(), (extract(epoch from clock_timestamp() - started) * 1000)::int)
  on conflict (agency_id) do update set refreshed_at = excluded.refreshed_at, refresh_ms = excluded.refresh_ms;
end
$$;
revoke all on function index766_refresh(integer) from public;

-- The agencies asked for that the caller may read: a scoped transaction (motcua_app) keeps those
-- in its scope, the system context (jobs, CLI) all it names. Checked once per agency, as
-- dossier_statistics does, not once per row.
create or replace function index766_allowed(p_agencies integer[]) returns integer[]
language sql stable security definer set search_path = public as $$
  select coalesce(array_agg(a), '{}') from unnest(p_agencies) a where app_in_scope(a) or current_setting('role', true) is distinct from 'motcua_app'
$$;

-- Sums of the daily counts over a period of local days, per agency.
create or replace function index766_sums(p_agencies integer[], p_from date, p_to date)
returns table (agency_id integer, r_received bigint, r_online bigint, r_full_eligible bigint, r_full_online bigint, r_synced bigint, r_fee bigint, r_paid_online bigint,
  r_digitised bigint, r_reused bigint, r_stored bigint, r_counted54 bigint, r_late54 bigint, r_complained54 bigint, f_resolved bigint, f_late bigint, f_days double precision,
  f_result bigint, f_eresult bigint)
language sql stable security definer set search_path = public as $$
  select s.agency_id, sum(r_received), sum(r_online), sum(r_full_eligible), sum(r_full_online), sum(r_synced), sum(r_fee), sum(r_paid_online), sum(r_digitised),
    sum(r_reused), sum(r_stored), sum(r_counted54), sum(r_late54), sum(r_complained54), sum(f_resolved), sum(f_late), sum(f_days), sum(f_result), sum(f_eresult)
  from index766_daily s
  where s.agency_id = any (index766_allowed(p_agencies)) and s.day between p_from and p_to
  group by s.agency_id
$$;

-- Procedures with online dossiers / dossiers paid online received in the period, per agency.
create or replace function index766_procedures(p_agencies integer[], p_from date, p_to date)
returns table (agency_id integer, procedure_code text, online bigint, paid_online bigint)
language sql stable security definer set search_path = public as $$
  select s.agency_id, s.procedure_code, sum(s.online), sum(s.paid_online)
  from index766_procedure_daily s
  where s.agency_id = any (index766_allowed(p_agencies)) and s.day between p_from and p_to
  group by s.agency_id, s.procedure_code
$$;

-- Dossiers open at the period's end [.., p_end), judged at p_cut (the end, or now if earlier):
-- all of them (2.1's in progress) and those received in the period and not withdrawn (5.4), each
-- with how many are past their appointment; plus, for 5.4, those received in the period that were
-- finished late only after it (counted late in r_late54, but open at the end).
create or replace function index766_open(p_agencies integer[], p_start timestamptz, p_end timestamptz, p_cut timestamptz)
returns table (agency_id integer, open_total integer, open_overdue integer, rp_open integer, rp_open_overdue integer, rp_late_after integer)
language sql stable security definer set search_path = public as $$
  select x.agency_id,
    count(*)::int,
    count(*) filter (where x.due_at < p_cut)::int,
    count(*) filter (where x.received_at >= p_start and x.status <> 'withdrawn')::int,
    count(*) filter (where x.received_at >= p_start and x.status <> 'withdrawn' and x.due_at < p_cut)::int,
    count(*) filter (where x.received_at >= p_start and x.status <> 'withdrawn' and x.finished_at is not null and (x.supplement_count > 1 or x.finished_at > x.due_at))::int
  from (
    select d.agency_id, d.received_at, d.due_at, d.finished_at, d.supplement_count, d.status from dossiers d
    where d.agency_id = any (index766_allowed(p_agencies)) and coalesce(d.finished_at, d.closed_at) is null and d.received_at < p_end
    union all
    select d.agency_id, d.received_at, d.due_at, d.finished_at, d.supplement_count, d.status from dossiers d
    where d.agency_id = any (index766_allowed(p_agencies)) and coalesce(d.finished_at, d.closed_at) >= p_end and d.received_at < p_end
  ) x
  group by x.agency_id
$$;

revoke all on function index766_sums(integer[], date, date) from public;
revoke all on function index766_procedures(integer[], date, date) from public;
revoke all on function index766_open(integer[], timestamptz, timestamptz, timestamptz) from public;
revoke all on function index766_allowed(integer[]) from public;
grant execute on function index766_sums(integer[], date, date) to motcua_app;
grant execute on function index766_procedures(integer[], date, date) to motcua_app;
grant execute on function index766_open(integer[], timestamptz, timestamptz, timestamptz) to motcua_app;
grant execute on function index766_allowed(integer[]) to motcua_app;

-- Everything already held is counted at the first run of the job.
insert into index766_dirty (agency_id) select distinct agency_id from dossiers on conflict do nothing;
