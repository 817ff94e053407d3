-- Files attached to an online draft (dossier_drafts), checked and stored like a submission's
-- (src/modules/dossiers/files.ts) so that the applicant need not choose them again. One file per
-- document of the procedure's list: document_index is the position in that list (the form's
-- file_<index> field), document_name is kept to notice when the list has changed since.
-- Gone with the draft (submitted, or expired and swept by the dossiers.draft-cleanup job); the
-- file on disk is removed by the code that deletes the row, after its commit.
create table dossier_draft_files (
  id integer generated always as identity primary key,
  agency_id integer not null references agencies(id),
  draft_id integer not null references dossier_drafts(id) on delete cascade,
  document_index integer not null check (document_index >= 0),
  document_name text not null,
  file_name text not null,
  content_type text not null,
  size integer not null check (size > 0),
  sha256 text not null,
  -- Relative to DATA_DIR/files: <agency>/<yyyy>/<random>; never the client's name.
  storage_path text not null,
  created_at timestamptz not null default now(),
  unique (draft_id, document_index)
);
alter table dossier_draft_files enable row level security;
create policy dossier_draft_files_scope on dossier_draft_files using (app_in_scope(agency_id)) with check (app_in_scope(agency_id));

-- The cleanup job looks drafts up by expiry.
create index dossier_drafts_expires on dossier_drafts (expires_at);
