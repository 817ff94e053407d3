-- The procedure flags of 1102 read the version's JSON as the catalog model writes it (arrays); a
-- version whose JSON holds something else there (null, a text: an older or hand-made import) must
-- still be stored, and simply not count as complete. CASE, because AND does not promise an order.
alter table procedure_versions drop column qd766_complete, drop column qd766_fee;
alter table procedure_versions
  add column qd766_complete boolean generated always as (
    case when jsonb_typeof(content) = 'object'
          and jsonb_typeof(content->'steps') = 'array' and jsonb_typeof(content->'channels') = 'array'
          and jsonb_typeof(content->'documents') = 'array' and jsonb_typeof(content->'applicants') = 'array'
          and jsonb_typeof(content->'legalBasis') = 'array'
      then jsonb_array_length(content->'steps') > 0 and jsonb_array_length(content->'channels') > 0
        and jsonb_array_length(content->'documents') > 0 and jsonb_array_length(content->'applicants') > 0
        and jsonb_array_length(content->'legalBasis') > 0
        and coalesce(content->>'executingAgency', '') <> '' and coalesce(content->>'result', '') <> ''
      else false end) stored,
  add column qd766_fee boolean generated always as (
    case when jsonb_typeof(content) = 'object' then jsonb_path_exists(content, 'lax $.channels[*].fees[*] ? (@.kind == "fixed" && @.amountVnd > 0)') else false end) stored;
