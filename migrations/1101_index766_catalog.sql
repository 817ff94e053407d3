-- QĐ 766 catalog figures (1.3, 3.1, 3.2, 3.5, 3.5b) per agency in one call: what each agency offers
-- and publishes, in the versions in force on the period's last day, with each procedure's flags
-- (seven parts published, a fixed fee above 0) computed once per procedure rather than once per
-- agency and procedure (reading every version's JSON a hundred times cost 0.6 s for a province),
-- and "used online / paid online in the period" looked up per offered procedure on the key
-- (agency, procedure, day) instead of summing every day's row.

create index index766_procedure_daily_lookup on index766_procedure_daily (agency_id, procedure_code, day) include (online, paid_online);

create or replace function index766_catalog(p_agencies integer[], p_from date, p_to date)
returns table (agency_id integer, published integer, complete integer, online integer, online_used integer, fee integer, fee_online integer, fee_paid integer)
language sql stable security definer set search_path = public as $$
  with v as materialized (
    select p.id, p.code,
      -- The seven parts (Nghị định 63/2010/NĐ-CP, Điều 8, as the portal checks them): steps, ways,
      -- documents, who may apply, executing agency, result, legal basis.
      (jsonb_array_length(coalesce(c.content->'steps', '[]')) > 0 and jsonb_array_length(coalesce(c.content->'channels', '[]')) > 0
        and jsonb_array_length(coalesce(c.content->'documents', '[]')) > 0 and jsonb_array_length(coalesce(c.content->'applicants', '[]')) > 0
        and coalesce(c.content->>'executingAgency', '') <> '' and coalesce(c.content->>'result', '') <> ''
        and jsonb_array_length(coalesce(c.content->'legalBasis', '[]')) > 0) as complete,
      jsonb_path_exists(c.content, '$.channels[*].fees[*] ? (@.kind == "fixed" && @.amountVnd > 0)') as fee
    from procedures p
    cross join lateral (select pv.content from procedure_versions pv where pv.procedure_id = p.id and pv.effective_from <= p_to
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
revoke all on function index766_catalog(integer[], date, date) from public;
grant execute on function index766_catalog(integer[], date, date) to motcua_app;
