-- The yearly review of procedures (rà soát, đánh giá thủ tục hành chính; issue 17, docs/reviews.md):
-- a round per agency and year (its plan in the plans machinery, then its report and simplification
-- proposal sent up to the province), a review per procedure (the form of Thông tư 02/2017/TT-VPCP
-- and the compliance cost), and the income figure the cost model values time with.

-- The yearly income per head the hourly value of time comes from, with its source. Public figures:
-- readable by all (a commune uses its province's when it has none of its own).
create table compliance_cost_settings (
  agency_id integer primary key references agencies(id),
  annual_income_vnd bigint not null check (annual_income_vnd between 1000000 and 100000000000),
  income_year integer not null check (income_year between 2000 and 2100),
  source text not null check (length(source) between 3 and 500),
  updated_by integer references users(id),
  updated_at timestamptz not null default now()
);
alter table compliance_cost_settings enable row level security;
create policy compliance_cost_settings_read on compliance_cost_settings for select using (true);
create policy compliance_cost_settings_write on compliance_cost_settings for insert with check (app_in_scope(agency_id));
create policy compliance_cost_settings_update on compliance_cost_settings for update using (app_in_scope(agency_id)) with check (app_in_scope(agency_id));

create table review_rounds (
  id integer generated always as identity primary key,
  agency_id integer not null references agencies(id),
  year integer not null check (year between 2000 and 2100),
  -- The review plan (kế hoạch rà soát): tasks in the plans machinery.
  plan_id integer references plans(id),
  -- open → sent (report numbered in the register, documents frozen, results published).
  status text not null default 'open' check (status in ('open', 'sent')),
  to_agency_id integer references agencies(id),
  document_id integer references documents(id),
  number integer,
  symbol text,
  issued_on date,
  signer_name text,
  signer_title text,
  -- What was sent: the reviews with their costs, as printed.
  data jsonb,
  report_docx bytea,
  report_pdf bytea,
  proposal_docx bytea,
  proposal_pdf bytea,
  sent_at timestamptz,
  sent_by integer references users(id),
  created_at timestamptz not null default now(),
  unique (agency_id, year),
  check (status <> 'sent' or (document_id is not null and data is not null and report_pdf is not null and proposal_pdf is not null))
);
alter table review_rounds enable row level security;
create policy review_rounds_scope on review_rounds using (app_in_scope(agency_id)) with check (app_in_scope(agency_id));
-- The portal publishes the results that were sent.
create policy review_rounds_public on review_rounds for select using (status = 'sent');
revoke delete on review_rounds from motcua_app;

create table procedure_reviews (
  id integer generated always as identity primary key,
  agency_id integer not null references agencies(id),
  round_id integer not null references review_rounds(id),
  procedure_id integer not null references procedures(id),
  -- The version reviewed (the one in force when the review was planned).
  version_id integer not null references procedure_versions(id),
  plan_task_id integer references plan_tasks(id),
  reviewer_user_id integer references users(id),
  deadline date,
  status text not null default 'todo' check (status in ('todo', 'in_progress', 'done')),
  -- { part: { necessary, reasonable, lawful, proposal, reason } } (Biểu mẫu 02/RS-KSTT).
  assessment jsonb not null default '{}'::jsonb check (jsonb_typeof(assessment) = 'object'),
  conclusion text check (conclusion in ('keep', 'amend', 'abolish', 'replace')),
  recommendation text not null default '' check (length(recommendation) <= 4000),
  -- [{ activity, label, hoursBefore, hoursAfter, otherBefore, otherAfter }] (Biểu mẫu 03/SCM-KSTT).
  cost_items jsonb not null default '[]'::jsonb check (jsonb_typeof(cost_items) = 'array'),
  fee_before bigint check (fee_before >= 0),
  fee_after bigint check (fee_after >= 0),
  -- Entered by the reviewer; null = the agency's own dossiers of the last twelve months.
  dossiers_per_year integer check (dossiers_per_year between 0 and 100000000),
  -- Frozen when the review is completed: the income figure and the cost as computed then.
  wage jsonb,
  cost jsonb,
  completed_at timestamptz,
  completed_by integer references users(id),
  created_by integer references users(id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (round_id, procedure_id),
  check (status <> 'done' or (cost is not null and wage is not null and conclusion is not null))
);
create index procedure_reviews_agency on procedure_reviews(agency_id, round_id);
create index procedure_reviews_reviewer on procedure_reviews(reviewer_user_id) where status <> 'done';
alter table procedure_reviews enable row level security;
create policy procedure_reviews_scope on procedure_reviews using (app_in_scope(agency_id)) with check (app_in_scope(agency_id));
create policy procedure_reviews_public on procedure_reviews for select using (exists (select 1 from review_rounds r where r.id = round_id and r.status = 'sent'));
revoke delete on procedure_reviews from motcua_app;
