-- A dossier code names one dossier in the whole installation: public tracking looks codes up
-- across communes. Code patterns must now contain {agencyCode} (src/domain/codes/dossier-code.ts);
-- codes made earlier by a pattern without it may repeat another commune's: the later ones get
-- their agency code appended before the index is built (printed slips keep the old code; the
-- dossier's history records the change).
with dup as (
  select d.id, d.code, a.code as agency_code, d.agency_id,
         row_number() over (partition by d.code order by d.created_at, d.id) as n
  from dossiers d join agencies a on a.id = d.agency_id
), renamed as (
  update dossiers d set code = dup.code || '-' || dup.agency_code
  from dup where dup.id = d.id and dup.n > 1
  returning d.id, d.agency_id, dup.code as old_code, d.code as new_code
)
insert into dossier_events (agency_id, dossier_id, action, from_status, to_status, actor_label, note, data)
select r.agency_id, r.id, 'note', d.status, d.status, 'system',
       'Mã hồ sơ trùng với đơn vị khác, đổi từ ' || r.old_code || ' thành ' || r.new_code, jsonb_build_object('oldCode', r.old_code)
from renamed r join dossiers d on d.id = r.id;

drop index if exists dossiers_code;
create unique index dossiers_code on dossiers (code);
