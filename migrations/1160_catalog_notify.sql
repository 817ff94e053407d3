-- Instances keep the catalog's search index in memory; a change anywhere is announced on this
-- channel at commit (statement-level: an import of 600 procedures sends one notification), and
-- every instance that listens rebuilds before its next search (src/modules/catalog/search-cache.ts).
create or replace function notify_catalog_changed() returns trigger language plpgsql as $$
begin
  perform pg_notify('motcua_catalog', tg_table_name);
  return null;
end
$$;
create trigger procedures_changed after insert or update or delete on procedures for each statement execute function notify_catalog_changed();
create trigger procedure_versions_changed after insert or update or delete on procedure_versions for each statement execute function notify_catalog_changed();
create trigger agency_procedures_changed after insert or update or delete on agency_procedures for each statement execute function notify_catalog_changed();
