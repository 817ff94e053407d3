-- Signed electronic results (docs/payments.md, "Signed results"). Each row is one signed PDF kept
-- as a dossier attachment of kind 'result'; public_id is what its QR code and /verify/{id} carry.
-- The verification page reads it as the system and shows no personal data.

create table e_results (
  id integer generated always as identity primary key,
  public_id text not null unique check (public_id ~ '^[A-Za-z0-9_-]{16,40}$'),
  agency_id integer not null references agencies(id),
  dossier_id integer not null references dossiers(id),
  attachment_id integer not null references dossier_attachments(id),
  document_name text not null,
  -- SHA-256 of the signed file as stored: the verification page compares a presented copy with it.
  sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$'),
  -- 'uploaded': the specialist's draft, signed; 'template': generated from the dossier.
  source text not null check (source in ('uploaded', 'template')),
  signer_kind text not null check (signer_kind in ('p12', 'remote')),
  signer_name text not null,
  signer_title text,
  certificate_subject text not null,
  certificate_serial text not null,
  certificate_issuer text not null,
  signed_by integer references users(id),
  signed_at timestamptz not null default now()
);
create index e_results_dossier on e_results (dossier_id);
alter table e_results enable row level security;
create policy e_results_scope on e_results
  using (app_in_scope(agency_id) or exists (select 1 from dossiers d where d.id = dossier_id))
  with check (app_in_scope(agency_id));
revoke update, delete on e_results from motcua_app;

-- One-time codes for downloading e-results from the tracking page (code + phone digits + this).
create table result_otps (
  id integer generated always as identity primary key,
  agency_id integer not null references agencies(id),
  dossier_id integer not null references dossiers(id),
  code_hash text not null,
  channel text not null check (channel in ('sms', 'email')),
  attempts integer not null default 0,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  used_at timestamptz
);
create index result_otps_dossier on result_otps (dossier_id, created_at desc);
alter table result_otps enable row level security;
create policy result_otps_scope on result_otps using (app_in_scope(agency_id)) with check (app_in_scope(agency_id));
