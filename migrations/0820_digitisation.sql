-- Digitisation (số hóa): paper documents scanned at the counter, their text read by OCR in a
-- background job, and the applicant's document store keyed by the citizen ID (số định danh), from
-- which a later dossier of the same person reuses a document instead of receiving it again.

create table applicant_documents (
  id integer generated always as identity primary key,
  agency_id integer not null references agencies(id),
  id_number text not null check (id_number ~ '^[0-9]{9,12}$'),
  kind text not null check (kind in ('scan', 'result')),
  document_name text not null,
  file_name text not null,
  content_type text not null,
  size integer not null check (size > 0),
  sha256 text not null,
  -- Relative to DATA_DIR/files, shared with the attachment it came from (files are never deleted).
  storage_path text not null,
  source_dossier_id integer references dossiers(id),
  source_attachment_id integer references dossier_attachments(id),
  -- pending → done | failed (never blocks anything); not_needed for signed results (text is known).
  ocr_status text not null check (ocr_status in ('pending', 'done', 'failed', 'not_needed')),
  ocr_text text,
  ocr_error text,
  ocr_ms integer,
  ocr_attempts integer not null default 0,
  ocr_at timestamptz,
  created_by integer references users(id),
  created_at timestamptz not null default now()
);
create index applicant_documents_person on applicant_documents (agency_id, id_number, created_at desc);
create index applicant_documents_ocr_pending on applicant_documents (created_at) where ocr_status = 'pending';
alter table applicant_documents enable row level security;
create policy applicant_documents_scope on applicant_documents using (app_in_scope(agency_id)) with check (app_in_scope(agency_id));
revoke delete on applicant_documents from motcua_app;

-- A stored document used again by a later dossier: the attachment it became and who chose it.
create table dossier_document_reuses (
  id integer generated always as identity primary key,
  agency_id integer not null references agencies(id),
  dossier_id integer not null references dossiers(id),
  applicant_document_id integer not null references applicant_documents(id),
  attachment_id integer not null references dossier_attachments(id),
  document_name text not null,
  actor_user_id integer references users(id),
  actor_label text not null,
  at timestamptz not null default now(),
  unique (dossier_id, applicant_document_id)
);
alter table dossier_document_reuses enable row level security;
create policy dossier_document_reuses_scope on dossier_document_reuses
  using (app_in_scope(agency_id) or exists (select 1 from dossiers d where d.id = dossier_id))
  with check (app_in_scope(agency_id) or exists (select 1 from dossiers d where d.id = dossier_id));
revoke update, delete on dossier_document_reuses from motcua_app;
