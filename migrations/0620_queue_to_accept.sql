-- The "to accept" queue lists online submissions oldest first: a partial index holds exactly them
-- in that order, so a commune with thousands waiting does not sort them on every page view.
create index dossiers_to_accept on dossiers (agency_id, submitted_at, id) where status = 'submitted';
