-- The administrative-reform (CCHC) index of communes (issue 15; docs/indexes.md, "CCHC index").
-- A province's criteria tree for a year is a version (a revised decision is a new version, never
-- an edit); a commune's assessment of a year follows one version from self-assessment to the
-- province's published result; every step is in the audit log.

create table cchc_criteria_sets (
  id integer generated always as identity primary key,
  -- the province whose decision it is
  agency_id integer not null references agencies(id),
  year integer not null check (year between 2000 and 2100),
  version integer not null check (version > 0),
  title text not null check (length(title) between 3 and 500),
  source text not null default '' check (length(source) <= 1000),
  -- lower bounds of the bands in % of the index: {excellent, good, fair, average}
  thresholds jsonb not null,
  -- the tree as checked by src/domain/indexes/cchc.ts (validateCriteriaFile): [{code, parent, name, maxPoints, method, evidenceRequired, rule, kind, measure}]
  criteria jsonb not null,
  file_name text,
  created_by integer references users(id),
  created_at timestamptz not null default now(),
  unique (agency_id, year, version)
);
alter table cchc_criteria_sets enable row level security;
-- A province's criteria are a public decision: anyone reads them (the public result names its areas).
create policy cchc_criteria_sets_read on cchc_criteria_sets for select using (true);
create policy cchc_criteria_sets_write on cchc_criteria_sets for insert with check (app_in_scope(agency_id));
revoke update, delete on cchc_criteria_sets from motcua_app;

create table cchc_assessments (
  id integer generated always as identity primary key,
  -- the commune assessed
  agency_id integer not null references agencies(id),
  year integer not null check (year between 2000 and 2100),
  set_id integer not null references cchc_criteria_sets(id),
  status text not null default 'draft' check (status in ('draft', 'submitted', 'returned', 'approved', 'published')),
  self_total numeric(8, 2),
  final_total numeric(8, 2),
  -- total ÷ maximum of the score areas, in %
  index_value numeric(6, 2),
  band text check (band is null or band in ('excellent', 'good', 'fair', 'average', 'below')),
  -- points per area at approval [{code, name, kind, points, max}], what the public page shows
  areas jsonb,
  return_reason text check (return_reason is null or length(return_reason) between 3 and 2000),
  created_by integer references users(id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  submitted_by integer references users(id),
  submitted_at timestamptz,
  approved_by integer references users(id),
  approved_at timestamptz,
  published_by integer references users(id),
  published_at timestamptz,
  report_document_id integer references documents(id),
  decision_document_id integer references documents(id),
  -- as printed ("05/BC-UBND", "12/QĐ-UBND") and dated: the commune reads the province's decision
  -- number here, the register itself being the province's
  report_code text,
  report_date date,
  decision_code text,
  decision_date date,
  unique (agency_id, year)
);
create index cchc_assessments_year on cchc_assessments (year, status);
alter table cchc_assessments enable row level security;
create policy cchc_assessments_scope on cchc_assessments using (app_in_scope(agency_id)) with check (app_in_scope(agency_id));
-- Published results are public (the portals of the commune and of its province).
create policy cchc_assessments_public on cchc_assessments for select using (status = 'published');
revoke delete on cchc_assessments from motcua_app;

create table cchc_scores (
  assessment_id integer not null references cchc_assessments(id),
  agency_id integer not null references agencies(id),
  code text not null check (length(code) between 1 and 32),
  self_points numeric(8, 2),
  self_note text not null default '' check (length(self_note) <= 4000),
  -- figures measured from the product's data, with links to them: {value, numerator, denominator, points, evidence: [{label, url}], at}
  measured jsonb,
  review text check (review is null or review in ('accept', 'adjust', 'evidence')),
  final_points numeric(8, 2),
  review_reason text check (review_reason is null or length(review_reason) between 3 and 2000),
  reviewed_by integer references users(id),
  reviewed_at timestamptz,
  updated_by integer references users(id),
  updated_at timestamptz not null default now(),
  primary key (assessment_id, code)
);
alter table cchc_scores enable row level security;
create policy cchc_scores_scope on cchc_scores using (app_in_scope(agency_id)) with check (app_in_scope(agency_id));
revoke delete on cchc_scores from motcua_app;

-- Evidence files (tài liệu kiểm chứng) in the file store, per criterion.
create table cchc_evidence (
  id integer generated always as identity primary key,
  agency_id integer not null references agencies(id),
  assessment_id integer not null references cchc_assessments(id),
  code text not null check (length(code) between 1 and 32),
  storage_path text not null,
  file_name text not null check (length(file_name) between 1 and 300),
  content_type text not null,
  size integer not null check (size >= 0),
  uploaded_by integer references users(id),
  uploaded_at timestamptz not null default now()
);
create index cchc_evidence_assessment on cchc_evidence (assessment_id, code);
alter table cchc_evidence enable row level security;
create policy cchc_evidence_scope on cchc_evidence using (app_in_scope(agency_id)) with check (app_in_scope(agency_id));
revoke update, delete on cchc_evidence from motcua_app;

-- Emulation and rewards (thi đua, khen thưởng): proposals citing the index result.
create table cchc_reward_proposals (
  id integer generated always as identity primary key,
  -- the agency proposing (a commune for its people, or the province)
  agency_id integer not null references agencies(id),
  -- the commune whose index result is the ground
  commune_id integer not null references agencies(id),
  year integer not null check (year between 2000 and 2100),
  kind text not null check (kind in ('collective', 'individual')),
  nominee text not null check (length(nominee) between 2 and 300),
  title text not null check (length(title) between 2 and 300),
  grounds text not null check (length(grounds) between 3 and 4000),
  created_by integer references users(id),
  created_at timestamptz not null default now()
);
create index cchc_reward_proposals_year on cchc_reward_proposals (agency_id, year);
alter table cchc_reward_proposals enable row level security;
create policy cchc_reward_proposals_scope on cchc_reward_proposals using (app_in_scope(agency_id) or app_in_scope(commune_id)) with check (app_in_scope(agency_id));
revoke update, delete on cchc_reward_proposals from motcua_app;

-- Evidence rows are never deleted (revoke above), so no removal asks whether a file is still named
-- by one; when they may be, file_keys_in_use (migration 1150) must list cchc_evidence too.
