-- A document of the online form may carry several files (a scan of several pages, front and back
-- of a card): a draft keeps them all, in the order chosen.
alter table dossier_draft_files drop constraint dossier_draft_files_draft_id_document_index_key;
create index dossier_draft_files_by_document on dossier_draft_files (draft_id, document_index, id);
