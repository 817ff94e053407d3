-- The province above the communes (issue 16): one query for the dossier figures that a commune
-- and its province both read, report kinds beyond the communication report, the reporting
-- calendar a province sets, and documents sent and received between the agencies of the
-- installation (văn bản đi / đến). See docs/province.md.

-- Dossier figures (Biểu 06, Thông tư 01/2020/TT-VPCP) per agency and field, for one agency or
-- a hundred. Row-level security evaluated per row costs seconds over a million dossiers (the
-- scope settings are parsed for every row and keep the query off parallel workers), so the
-- function checks the scope once per agency asked for — with the same app_in_scope the policies
-- use — and then counts as the owner on a covering index. It never returns a row of an agency
-- outside the caller's scope. The rules are those of docs/dossiers.md ("Statistics"):
-- received in the period (online / in person or by post) or carried over; resolved in the period
-- early / on time / late (more than one supplement request is late; early = finished on a local
-- calendar day before the appointment's); in progress at the end (overdue when the appointment
-- is before `p_cut`, the end of the period or now if earlier).
create index dossiers_statistics on dossiers (agency_id, received_at)
  include (procedure_field, channel, due_at, finished_at, closed_at, supplement_count);

create or replace function dossier_statistics(p_agencies integer[], p_start timestamptz, p_end timestamptz, p_cut timestamptz)
returns table (
  agency_id integer, field text,
  received integer, online integer, in_person_or_post integer, carried_over integer,
  resolved integer, early integer, on_time integer, late integer,
  in_progress integer, within_time integer, overdue integer
)
language sql stable security definer set search_path = public as $$
  -- Each row's flags are computed once (offset 0 keeps the subquery from being folded into every
  -- aggregate), the costly local-day comparison only for dossiers resolved in the period.
  select x.agency_id, x.field,
    count(*)::int,
    count(*) filter (where x.fresh and x.online)::int,
    count(*) filter (where x.fresh and not x.online)::int,
    count(*) filter (where not x.fresh)::int,
    count(*) filter (where x.resolved)::int,
    count(*) filter (where x.resolved and x.early)::int,
    count(*) filter (where x.resolved and not x.late and not x.early)::int,
    count(*) filter (where x.resolved and x.late)::int,
    count(*) filter (where x.running)::int,
    count(*) filter (where x.running and not x.overdue)::int,
    count(*) filter (where x.running and x.overdue)::int
  from (
    select d.agency_id, d.procedure_field as field,
      d.received_at >= p_start as fresh,
      d.channel = 'online' as online,
      coalesce(d.finished_at >= p_start and d.finished_at < p_end, false) as resolved,
      -- more than one supplement request, or finished after the appointment
      coalesce(d.supplement_count > 1 or d.finished_at > d.due_at, false) as late,
      -- finished on a local calendar day (UTC+7, as the domain's wall clock counts) before the appointment's
      coalesce(d.finished_at >= p_start and d.finished_at < p_end and d.supplement_count <= 1 and d.finished_at <= d.due_at
        and floor((date_part('epoch', d.finished_at) + 25200) / 86400) < floor((date_part('epoch', d.due_at) + 25200) / 86400), false) as early,
      (not coalesce(d.finished_at >= p_start and d.finished_at < p_end, false)
        and (coalesce(d.finished_at, d.closed_at) is null or coalesce(d.finished_at, d.closed_at) >= p_end)) as running,
      coalesce(d.due_at < p_cut, false) as overdue
    from dossiers d
    where d.agency_id = any (array(select a from unnest(p_agencies) a where app_in_scope(a)))
      and d.received_at is not null and d.received_at < p_end
      and (d.received_at >= p_start or coalesce(d.finished_at, d.closed_at) is null or coalesce(d.finished_at, d.closed_at) >= p_start)
    offset 0
  ) x
  group by x.agency_id, x.field
$$;
revoke all on function dossier_statistics(integer[], timestamptz, timestamptz, timestamptz) from public;
grant execute on function dossier_statistics(integer[], timestamptz, timestamptz, timestamptz) to motcua_app;

-- Report kinds are data in the code (src/domain/reports/kinds.ts): the table takes any code of
-- the right shape and the services accept only the declared ones.
alter table reports drop constraint reports_kind_check;
alter table reports add constraint reports_kind_check check (kind ~ '^[a-z][a-z0-9-]{2,40}$');
create index reports_issued_kind on reports (agency_id, kind, period_from, period_to) where status = 'issued';

-- The reporting calendar: which report kinds the communes under a province owe, how often and
-- by when. `communes` null = every commune below the province; otherwise the listed ones.
create table report_schedules (
  id integer generated always as identity primary key,
  agency_id integer not null references agencies(id),
  kind text not null check (kind ~ '^[a-z][a-z0-9-]{2,40}$'),
  frequency text not null check (frequency in ('quarter', 'half', 'year')),
  -- Due on `due_day` of the period's last month ('last') or of the month after it ('next').
  due_month text not null check (due_month in ('last', 'next')),
  due_day integer not null check (due_day between 1 and 28),
  -- First reminder this many days before the due day (another on the day itself).
  remind_days integer not null default 5 check (remind_days between 0 and 30),
  communes integer[],
  active boolean not null default true,
  created_by integer references users(id),
  updated_by integer references users(id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (agency_id, kind, frequency)
);
alter table report_schedules enable row level security;
-- The province manages its schedules; a commune reads those of the agency above it.
create policy report_schedules_manage on report_schedules using (app_in_scope(agency_id)) with check (app_in_scope(agency_id));
create policy report_schedules_owed on report_schedules for select
  using (agency_id in (select a.parent_id from agencies a where a.id = any (app_agency_ids())));

-- Documents sent (one row per recipient of an issued document): through the system to an agency
-- of the installation, or on paper to an outside recipient. The recipient's acknowledgement and
-- its request for a correction are written here too, so the sender sees them.
create table document_dispatches (
  id integer generated always as identity primary key,
  agency_id integer not null references agencies(id),
  document_id integer not null references documents(id),
  report_id integer references reports(id),
  -- The recipient as printed under "Nơi nhận".
  line text not null check (length(line) between 1 and 300),
  to_agency_id integer references agencies(id),
  channel text not null check (channel in ('system', 'paper')),
  sent_at timestamptz not null default now(),
  sent_by integer references users(id),
  received_at timestamptz,
  read_at timestamptz,
  acknowledged_at timestamptz,
  acknowledged_by integer references users(id),
  correction_requested_at timestamptz,
  correction_reason text check (correction_reason is null or length(correction_reason) between 3 and 2000),
  check ((channel = 'system') = (to_agency_id is not null))
);
create unique index document_dispatches_agency on document_dispatches (document_id, to_agency_id) where to_agency_id is not null;
create unique index document_dispatches_paper on document_dispatches (document_id, line) where to_agency_id is null;
create index document_dispatches_to on document_dispatches (to_agency_id, sent_at desc) where to_agency_id is not null;
create index document_dispatches_report on document_dispatches (report_id);
alter table document_dispatches enable row level security;
create policy document_dispatches_read on document_dispatches for select using (app_in_scope(agency_id) or app_in_scope(to_agency_id));
create policy document_dispatches_send on document_dispatches for insert with check (app_in_scope(agency_id));
-- The recipient marks receipt, reading, acknowledgement, a request for correction.
create policy document_dispatches_answer on document_dispatches for update
  using (app_in_scope(agency_id) or app_in_scope(to_agency_id)) with check (app_in_scope(agency_id) or app_in_scope(to_agency_id));
revoke delete on document_dispatches from motcua_app;

-- The register of incoming documents (sổ đăng ký văn bản đến): numbered on arrival per agency
-- and year; from an agency of the installation (a dispatch) or registered by hand with its scan.
create table incoming_counters (
  agency_id integer not null references agencies(id),
  year integer not null check (year between 2000 and 2100),
  last_number integer not null default 0 check (last_number >= 0),
  primary key (agency_id, year)
);
alter table incoming_counters enable row level security;
create policy incoming_counters_scope on incoming_counters using (app_in_scope(agency_id)) with check (app_in_scope(agency_id));
revoke delete on incoming_counters from motcua_app;

create table incoming_documents (
  id integer generated always as identity primary key,
  agency_id integer not null references agencies(id),
  year integer not null check (year between 2000 and 2100),
  number integer not null check (number > 0),
  arrived_at timestamptz not null default now(),
  from_agency_id integer references agencies(id),
  from_name text not null check (length(from_name) between 2 and 300),
  -- "82/BC-UBND" and its date, as on the document.
  doc_code text not null check (length(doc_code) between 1 and 60),
  doc_date date not null,
  subject text not null check (length(subject) between 3 and 1000),
  dispatch_id integer unique references document_dispatches(id),
  report_id integer references reports(id),
  report_kind text,
  period_from date,
  period_to date,
  file_name text not null,
  content_type text not null,
  content bytea not null,
  sha256 text not null,
  size integer not null,
  read_at timestamptz,
  read_by integer references users(id),
  acknowledged_at timestamptz,
  acknowledged_by integer references users(id),
  assignee_user_id integer references users(id),
  assigned_at timestamptz,
  assigned_by integer references users(id),
  handling_note text check (handling_note is null or length(handling_note) <= 2000),
  correction_requested_at timestamptz,
  correction_reason text check (correction_reason is null or length(correction_reason) between 3 and 2000),
  registered_by integer references users(id),
  created_at timestamptz not null default now(),
  unique (agency_id, year, number)
);
create index incoming_documents_agency on incoming_documents (agency_id, arrived_at desc);
create index incoming_documents_reports on incoming_documents (agency_id, report_kind, period_from, period_to) where report_id is not null;
alter table incoming_documents enable row level security;
create policy incoming_documents_scope on incoming_documents using (app_in_scope(agency_id)) with check (app_in_scope(agency_id));
revoke delete on incoming_documents from motcua_app;

-- Delivering a dispatch writes into the recipient's register, which the sender's scope does not
-- cover: this function does it for a dispatch the caller may see as its sender, numbering the
-- entry from the recipient's counter and copying the issued report's PDF, once (a second call
-- for the same dispatch returns the entry made by the first).
create or replace function deliver_dispatch(p_dispatch integer) returns integer
language plpgsql volatile security definer set search_path = public as $$
declare
  d record;
  y integer;
  n integer;
  entry integer;
begin
  select x.*, doc.number as doc_number, doc.symbol as doc_symbol, doc.issued_on as doc_issued_on, doc.subject as doc_subject,
         a.name as from_name
    into d
    from document_dispatches x
    join documents doc on doc.id = x.document_id
    join agencies a on a.id = x.agency_id
   where x.id = p_dispatch and x.channel = 'system' and app_in_scope(x.agency_id);
  if not found then
    raise exception 'dispatch % is not the caller''s', p_dispatch using errcode = 'P0404';
  end if;
  select id into entry from incoming_documents where dispatch_id = p_dispatch;
  if found then
    return entry;
  end if;
  y := extract(year from (now() at time zone 'Asia/Ho_Chi_Minh'))::integer;
  insert into incoming_counters as c (agency_id, year, last_number) values (d.to_agency_id, y, 1)
    on conflict (agency_id, year) do update set last_number = c.last_number + 1
    returning last_number into n;
  insert into incoming_documents (agency_id, year, number, from_agency_id, from_name, doc_code, doc_date, subject, dispatch_id,
      report_id, report_kind, period_from, period_to, file_name, content_type, content, sha256, size)
  select d.to_agency_id, y, n, d.agency_id, d.from_name,
         (case when d.doc_number < 10 then '0' else '' end) || d.doc_number || '/' || d.doc_symbol,
         d.doc_issued_on, d.doc_subject, d.id, r.id, r.kind, r.period_from, r.period_to,
         'bao-cao-' || d.doc_number || '-' || replace(d.doc_symbol, '/', '-') || '.pdf', 'application/pdf', r.pdf, r.pdf_sha256, length(r.pdf)
    from reports r where r.id = d.report_id and r.status = 'issued'
  returning id into entry;
  if entry is null then
    raise exception 'dispatch % has no issued report to deliver', p_dispatch using errcode = 'P0409';
  end if;
  update document_dispatches set received_at = now() where id = p_dispatch;
  return entry;
end $$;
revoke all on function deliver_dispatch(integer) from public;
grant execute on function deliver_dispatch(integer) to motcua_app;
