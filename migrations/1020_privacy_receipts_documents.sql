-- ID numbers outside the dossiers table, sealed like the dossier's (migration 1000): the payer's on
-- a receipt (copied from the dossier, already sealed) and the applicant's document store, which is
-- now found by the keyed look-up hash instead of the number itself. Rows written before are sealed
-- by the application at start (sealLegacyRows), since the key never reaches the database.
alter table applicant_documents drop constraint if exists applicant_documents_id_number_check;
alter table applicant_documents add column id_hash text;
drop index if exists applicant_documents_person;
create index applicant_documents_person on applicant_documents (agency_id, id_hash, created_at desc);
alter table applicant_documents add constraint applicant_documents_id_sealed check (id_number like 'v1.%') not valid;
alter table receipts add constraint receipts_payer_id_sealed check (payer_id_number is null or payer_id_number = '' or payer_id_number like 'v1.%') not valid;
