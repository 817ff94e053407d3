-- QĐ 766 (issue 15), two findings of bench/index766.ts on a province of 1,000,000 dossiers:
-- 1. From PostgreSQL 18 a SQL function's statements go through the plan cache, which after five
--    calls may settle on a generic plan that does not know the period: the province's index went
--    from 0.4 s to 1.5 s from the sixth call on. The counting functions plan each call for its own
--    period.
-- 2. The seven-parts and fee flags of a procedure version are read from its JSON once, when the
--    version is written (stored generated columns), not at every computation: a commune's index
--    read all 588 versions' JSON each time (≈ 60 ms of its 100).
alter function index766_sums(integer[], date, date) set plan_cache_mode = force_custom_plan;
alter function index766_procedures(integer[], date, date) set plan_cache_mode = force_custom_plan;
alter function index766_open(integer[], timestamptz, timestamptz, timestamptz) set plan_cache_mode = force_custom_plan;

alter table procedure_versions
  -- Steps, ways, documents, who may apply, executing agency, result, legal basis (Nghị định 63/2010/NĐ-CP, Điều 8).
  add column qd766_complete boolean generated always as (
    jsonb_array_length(coalesce(content->'steps', '[]')) > 0 and jsonb_array_length(coalesce(content->'channels', '[]')) > 0
    and jsonb_array_length(coalesce(content->'documents', '[]')) > 0 and jsonb_array_length(coalesce(content->'applicants', '[]')) > 0
    and coalesce(content->>'executingAgency', '') <> '' and coalesce(content->>'result', '') <> ''
    and jsonb_array_length(coalesce(content->'legalBasis', '[]')) > 0) stored,
  -- A fixed fee above zero on some channel.
  add column qd766_fee boolean generated always as (jsonb_path_exists(content, '$.channels[*].fees[*] ? (@.kind == "fixed" && @.amountVnd > 0)')) stored;

create or replace function index766_catalog(p_agencies integer[], p_from date, p_to date)
returns table (agency_id integer, published integer, complete integer, online integer, online_used integer, fee integer, fee_online integer, fee_paid integer)
language sql stable security definer set search_path = public set plan_cache_mode = force_custom_plan as $$
  with v as materialized (
    select p.id, p.code, c.qd766_complete as complete, c.qd766_fee as fee
    from procedures p
    cross join lateral (select pv.qd766_complete, pv.qd766_fee from procedure_versions pv where pv.procedure_id = p.id and pv.effective_from <= p_to
                        order by pv.effective_from desc, pv.version_no desc limit 1) c
    where p.abolished_on is null or p.abolished_on > p_to
  ), offered as (
    select a.id as agency_id, v.code, v.complete, v.fee, ao.online_level <> 'none' as online
    from unnest(index766_allowed(p_agencies)) as a(id)
    cross join lateral agency_offering(a.id) ao
    join v on v.id = ao.procedure_id
    where ao.enabled and ao.published
  )
  select o.agency_id, count(*)::int,
    count(*) filter (where o.complete)::int,
    count(*) filter (where o.online)::int,
    count(*) filter (where o.online and exists (select 1 from index766_procedure_daily d where d.agency_id = o.agency_id and d.procedure_code = o.code and d.day between p_from and p_to and d.online > 0))::int,
    count(*) filter (where o.fee)::int,
    count(*) filter (where o.fee and o.online)::int,
    count(*) filter (where o.fee and exists (select 1 from index766_procedure_daily d where d.agency_id = o.agency_id and d.procedure_code = o.code and d.day between p_from and p_to and d.paid_online > 0))::int
  from offered o
  group by o.agency_id
$$;
