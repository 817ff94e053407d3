-- Stored files (issue 20): every uploaded or generated file that lived under DATA_DIR/files goes
-- through one storage interface (src/modules/storage). The default implementation keeps them here,
-- so they are replicated and backed up with the database: an object (the key the rows store in
-- storage_path) names a content by its SHA-256, and a content is kept once, in chunks, however
-- many objects name it. None of these tables is tenant data the application role may read: the
-- system context reads and writes them; what a caller may download is decided by the rows that
-- name the key (dossier_attachments, …), under row-level security as before.

create table file_contents (
  sha256 bytea primary key check (length(sha256) = 32),
  size bigint not null check (size >= 0),
  chunks integer not null check (chunks >= 0),
  created_at timestamptz not null default now()
);

create table file_chunks (
  sha256 bytea not null references file_contents(sha256) on delete cascade,
  seq integer not null check (seq >= 0),
  data bytea not null,
  primary key (sha256, seq)
);
-- PDFs and JPEGs are compressed already: storing the chunks as they are spares the CPU of trying.
alter table file_chunks alter column data set storage external;

create table file_objects (
  key text primary key check (key ~ '^[A-Za-z0-9][A-Za-z0-9._/-]*$' and length(key) <= 300 and key !~ '\.\.'),
  sha256 bytea not null references file_contents(sha256),
  content_type text,
  created_at timestamptz not null default now()
);
create index file_objects_sha256 on file_objects(sha256);

-- A file is written before the transaction that records it (so that transaction stays short) and
-- listed here until that transaction deletes its row; one that never commits leaves its row,
-- and the sweep job removes the file an hour later. Kept in PostgreSQL whatever the storage.
create table file_pending (
  key text primary key,
  agency_id integer not null references agencies(id),
  staged_at timestamptz not null default now()
);
create index file_pending_staged on file_pending(staged_at);

alter table file_contents enable row level security;
alter table file_chunks enable row level security;
alter table file_objects enable row level security;
alter table file_pending enable row level security;
revoke all on file_contents, file_chunks, file_objects from motcua_app;
-- The recording transaction (often scoped) deletes the pending row of the files it records.
create policy file_pending_scope on file_pending for all using (app_in_scope(agency_id)) with check (app_in_scope(agency_id));

-- The keys among `keys` that a row still names: a file is removed only when none does (the
-- applicant's document store and a dossier may name the same scan). A later table that stores
-- keys replaces this function in its migration.
create or replace function file_keys_in_use(keys text[]) returns text[] language sql stable as $$
  select coalesce(array_agg(distinct k), '{}') from (
    select storage_path as k from dossier_attachments where storage_path = any(keys)
    union all select storage_path from dossier_draft_files where storage_path = any(keys)
    union all select storage_path from feedback_attachments where storage_path = any(keys)
    union all select storage_path from applicant_documents where storage_path = any(keys)
  ) x
$$;
revoke execute on function file_keys_in_use(text[]) from motcua_app;
