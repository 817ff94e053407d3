-- Plans (kế hoạch) and their tasks, the register of outgoing documents (sổ đăng ký văn bản đi),
-- and reports drafted from the agency's data then issued and frozen.

-- Register of outgoing documents. Numbers run per (agency, year, kind) — kind is the symbol
-- abbreviation of the document type (BC, KH, QĐ…) — as the office keeps them; see docs/reports.md.
create table doc_counters (
  agency_id integer not null references agencies(id),
  year integer not null check (year between 2000 and 2100),
  kind text not null check (kind ~ '^[A-Za-zĐ]{1,6}$'),
  last_number integer not null default 0 check (last_number >= 0),
  primary key (agency_id, year, kind)
);
alter table doc_counters enable row level security;
create policy doc_counters_scope on doc_counters using (app_in_scope(agency_id)) with check (app_in_scope(agency_id));
revoke delete on doc_counters from motcua_app;

create table documents (
  id integer generated always as identity primary key,
  agency_id integer not null references agencies(id),
  year integer not null check (year between 2000 and 2100),
  kind text not null check (kind ~ '^[A-Za-zĐ]{1,6}$'),
  number integer not null check (number > 0),
  -- "BC-UBND": kind + issuing body abbreviation; the full "Số" is number/symbol.
  symbol text not null check (length(symbol) between 2 and 40),
  issued_on date not null,
  subject text not null check (length(subject) between 1 and 1000),
  entity text,
  entity_id integer,
  signer_name text,
  created_by integer references users(id),
  created_at timestamptz not null default now(),
  unique (agency_id, year, kind, number)
);
create index documents_agency_year on documents(agency_id, year desc, kind, number desc);
alter table documents enable row level security;
create policy documents_scope on documents using (app_in_scope(agency_id)) with check (app_in_scope(agency_id));
-- A registered number is never reused nor changed: a correction is a new document.
revoke update, delete on documents from motcua_app;

create table plans (
  id integer generated always as identity primary key,
  agency_id integer not null references agencies(id),
  number integer check (number > 0),
  symbol text check (symbol is null or length(symbol) between 2 and 40),
  issued_on date,
  year integer not null check (year between 2000 and 2100),
  kind text not null check (kind in ('cchc', 'communication', 'digital', 'inspection', 'other')),
  title text not null check (length(title) between 3 and 500),
  goals text not null default '',
  document_id integer references documents(id),
  created_by integer references users(id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index plans_agency_year on plans(agency_id, year desc);
create unique index plans_number on plans(agency_id, year, symbol, number) where number is not null;
alter table plans enable row level security;
create policy plans_scope on plans using (app_in_scope(agency_id)) with check (app_in_scope(agency_id));

create table plan_tasks (
  id integer generated always as identity primary key,
  agency_id integer not null references agencies(id),
  plan_id integer not null references plans(id) on delete cascade,
  position integer not null default 0,
  title text not null check (length(title) between 3 and 1000),
  owner_user_id integer references users(id),
  owner_unit text check (owner_unit is null or length(owner_unit) between 2 and 200),
  deadline date,
  status text not null default 'todo' check (status in ('todo', 'in_progress', 'done', 'cancelled')),
  progress integer not null default 0 check (progress between 0 and 100),
  progress_note text not null default '',
  -- [{ "kind": "article"|"broadcast"|"document"|"link", "label": "...", "url": "..." }]
  evidence jsonb not null default '[]'::jsonb check (jsonb_typeof(evidence) = 'array'),
  completed_on date,
  updated_at timestamptz not null default now(),
  check (owner_user_id is not null or owner_unit is not null)
);
create index plan_tasks_plan on plan_tasks(plan_id, position, id);
create index plan_tasks_owner on plan_tasks(owner_user_id);
alter table plan_tasks enable row level security;
create policy plan_tasks_scope on plan_tasks using (app_in_scope(agency_id)) with check (app_in_scope(agency_id));

-- Per-agency narrative templates of a report kind (defaults live in code).
create table report_templates (
  agency_id integer not null references agencies(id),
  kind text not null,
  section text not null,
  body text not null check (length(body) <= 20000),
  updated_at timestamptz not null default now(),
  primary key (agency_id, kind, section)
);
alter table report_templates enable row level security;
create policy report_templates_scope on report_templates using (app_in_scope(agency_id)) with check (app_in_scope(agency_id));

create table reports (
  id integer generated always as identity primary key,
  agency_id integer not null references agencies(id),
  kind text not null check (kind in ('cchc-communication')),
  period_from date not null,
  period_to date not null,
  status text not null default 'draft' check (status in ('draft', 'approved', 'issued')),
  subject text not null check (length(subject) between 3 and 500),
  -- The figures gathered from the providers (ReportData), frozen at drafting time.
  data jsonb not null,
  -- Editable narrative per section key.
  narratives jsonb not null default '{}'::jsonb,
  recipients jsonb not null default '[]'::jsonb,
  signer_mode text check (signer_mode in ('TM', 'KT')),
  signer_title text,
  signer_name text,
  created_by integer references users(id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  approved_by integer references users(id),
  approved_at timestamptz,
  document_id integer references documents(id),
  number integer,
  symbol text,
  issued_on date,
  issued_by integer references users(id),
  issued_at timestamptz,
  docx bytea,
  pdf bytea,
  docx_sha256 text,
  pdf_sha256 text,
  check (period_to >= period_from),
  check (status <> 'issued' or (document_id is not null and docx is not null and pdf is not null and docx_sha256 is not null and pdf_sha256 is not null))
);
create index reports_agency on reports(agency_id, created_at desc);
alter table reports enable row level security;
create policy reports_scope on reports using (app_in_scope(agency_id)) with check (app_in_scope(agency_id));
revoke delete on reports from motcua_app;

-- An issued report is frozen: no update or delete, whoever asks (owner included). A correction
-- is a new document (Nghị định 30/2020/NĐ-CP, Điều 17: sửa đổi bằng văn bản hành chính mới).
create or replace function reports_frozen() returns trigger language plpgsql as $$
begin
  if old.status = 'issued' then
    raise exception 'report % is issued and cannot be changed', old.id using errcode = 'P0409';
  end if;
  if tg_op = 'DELETE' then return old; end if;
  return new;
end $$;
create trigger reports_frozen before update or delete on reports for each row execute function reports_frozen();
