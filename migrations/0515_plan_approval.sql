-- Plans go through the leader before they are issued (issue 12): draft → submitted → approved, or
-- returned with a reason and submitted again. A plan entered with its number was issued on paper:
-- it is approved already.
alter table plans
  add column status text not null default 'draft' check (status in ('draft', 'submitted', 'returned', 'approved')),
  add column submitted_by integer references users(id),
  add column submitted_at timestamptz,
  add column decided_by integer references users(id),
  add column decided_at timestamptz,
  add column return_reason text check (return_reason is null or length(return_reason) between 3 and 1000),
  -- Who signs the issued plan: the approving leader's name and title, as on the document.
  add column signer_name text,
  add column signer_title text;
update plans set status = 'approved' where number is not null;
create index plans_agency_status on plans(agency_id, status) where status = 'submitted';
