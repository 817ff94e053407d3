-- Each agency's audit chain is split into lanes (an entry's lane is fixed by its entity, so one
-- dossier's history stays in one chain). A chain head is locked from an append until its
-- transaction commits; with one head per agency every state change of a commune waited for the
-- previous one's commit (its WAL flush), which capped online submissions far below what the
-- database can commit in parallel. Existing entries form lane 0.
alter table audit_log add column lane smallint not null default 0;
alter table audit_log drop constraint audit_log_agency_id_seq_key;
alter table audit_log add constraint audit_log_agency_lane_seq_key unique (agency_id, lane, seq);
alter table audit_heads add column lane smallint not null default 0;
alter table audit_heads drop constraint audit_heads_pkey;
alter table audit_heads add primary key (agency_id, lane);
-- The head also keeps the link before it, so one statement can advance the head and write the
-- entry (the hash is completed in SQL from the entry's canonical JSON up to its sequence number).
alter table audit_heads add column prev_hash text;
