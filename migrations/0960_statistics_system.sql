-- dossier_statistics for the system context too (background jobs, reports drafted by the
-- scheduler, the commune's own statistics read outside a user's request): a scoped transaction
-- runs as motcua_app and is confined to its agencies as before; the system context (the owner
-- role, which row-level security does not confine either) counts the agencies it names.
create or replace function dossier_statistics(p_agencies integer[], p_start timestamptz, p_end timestamptz, p_cut timestamptz)
returns table (
  agency_id integer, field text,
  received integer, online integer, in_person_or_post integer, carried_over integer,
  resolved integer, early integer, on_time integer, late integer,
  in_progress integer, within_time integer, overdue integer
)
language sql stable security definer set search_path = public as $$
  -- Each row's flags are computed once (offset 0 keeps the subquery from being folded into every
  -- aggregate), the costly local-day comparison only for dossiers resolved in the period.
  select x.agency_id, x.field,
    count(*)::int,
    count(*) filter (where x.fresh and x.online)::int,
    count(*) filter (where x.fresh and not x.online)::int,
    count(*) filter (where not x.fresh)::int,
    count(*) filter (where x.resolved)::int,
    count(*) filter (where x.resolved and x.early)::int,
    count(*) filter (where x.resolved and not x.late and not x.early)::int,
    count(*) filter (where x.resolved and x.late)::int,
    count(*) filter (where x.running)::int,
    count(*) filter (where x.running and not x.overdue)::int,
    count(*) filter (where x.running and x.overdue)::int
  from (
    select d.agency_id, d.procedure_field as field,
      d.received_at >= p_start as fresh,
      d.channel = 'online' as online,
      coalesce(d.finished_at >= p_start and d.finished_at < p_end, false) as resolved,
      -- more than one supplement request, or finished after the appointment
      coalesce(d.supplement_count > 1 or d.finished_at > d.due_at, false) as late,
      -- finished on a local calendar day (UTC+7, as the domain's wall clock counts) before the appointment's
      coalesce(d.finished_at >= p_start and d.finished_at < p_end and d.supplement_count <= 1 and d.finished_at <= d.due_at
        and floor((date_part('epoch', d.finished_at) + 25200) / 86400) < floor((date_part('epoch', d.due_at) + 25200) / 86400), false) as early,
      (not coalesce(d.finished_at >= p_start and d.finished_at < p_end, false)
        and (coalesce(d.finished_at, d.closed_at) is null or coalesce(d.finished_at, d.closed_at) >= p_end)) as running,
      coalesce(d.due_at < p_cut, false) as overdue
    from dossiers d
    where d.agency_id = any (array(select a from unnest(p_agencies) a where app_in_scope(a) or current_setting('role', true) is distinct from 'motcua_app'))
      and d.received_at is not null and d.received_at < p_end
      and (d.received_at >= p_start or coalesce(d.finished_at, d.closed_at) is null or coalesce(d.finished_at, d.closed_at) >= p_start)
    offset 0
  ) x
  group by x.agency_id, x.field
$$;
