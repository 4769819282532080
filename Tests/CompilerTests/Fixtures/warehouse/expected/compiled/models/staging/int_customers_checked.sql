
-- Every CRM row once (exact duplicates collapse), typed, with the reason it cannot be used.
-- stg_customers and stg_customers_rejected split it; nothing is dropped silently.
-- In the demo the CRM table is the seed `crm/customers`; this ref orders the build after it
-- (dbt's idiom), which a real replicated source would not need.
-- depends_on: "analytics_crm"."customers"
with raw as (
  select distinct
    customer_id::text as raw_customer_id,
    email::text as raw_email,
    full_name::text as raw_full_name,
    city::text as raw_city,
    country::text as raw_country,
    birth_date::text as raw_birth_date,
    signed_up_at::text as raw_signed_up_at
  from "analytics_crm"."customers"
),

typed as (
  select
    raw.*,
    case when trim(raw_customer_id::text) ~ '^-?\d{1,9}$' then trim(raw_customer_id::text)::int end as customer_id,
    nullif(lower(trim(raw_email)), '') as email,
    nullif(trim(raw_full_name), '') as full_name,
    case
    when trim(raw_city) ~ '[ÃÂ]' then convert_from(convert_to(trim(raw_city), 'LATIN1'), 'UTF8')
    else trim(raw_city)
  end as city,
    aliases.country_code,
    case
    when substr(case
    when trim(raw_birth_date::text) ~ '^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2})?)?$' then substr(trim(raw_birth_date::text), 1, 10)
    when trim(raw_birth_date::text) ~ '^\d{2}/\d{2}/\d{4}$'
      then substr(trim(raw_birth_date::text), 7, 4) || '-' || substr(trim(raw_birth_date::text), 4, 2) || '-' || substr(trim(raw_birth_date::text), 1, 2)
    when trim(raw_birth_date::text) ~ '^\d{8}$'
      then substr(trim(raw_birth_date::text), 1, 4) || '-' || substr(trim(raw_birth_date::text), 5, 2) || '-' || substr(trim(raw_birth_date::text), 7, 2)
  end, 6, 2)::int between 1 and 12 then
      case
        when substr(case
    when trim(raw_birth_date::text) ~ '^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2})?)?$' then substr(trim(raw_birth_date::text), 1, 10)
    when trim(raw_birth_date::text) ~ '^\d{2}/\d{2}/\d{4}$'
      then substr(trim(raw_birth_date::text), 7, 4) || '-' || substr(trim(raw_birth_date::text), 4, 2) || '-' || substr(trim(raw_birth_date::text), 1, 2)
    when trim(raw_birth_date::text) ~ '^\d{8}$'
      then substr(trim(raw_birth_date::text), 1, 4) || '-' || substr(trim(raw_birth_date::text), 5, 2) || '-' || substr(trim(raw_birth_date::text), 7, 2)
  end, 9, 2)::int between 1 and extract(day from
            make_date(substr(case
    when trim(raw_birth_date::text) ~ '^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2})?)?$' then substr(trim(raw_birth_date::text), 1, 10)
    when trim(raw_birth_date::text) ~ '^\d{2}/\d{2}/\d{4}$'
      then substr(trim(raw_birth_date::text), 7, 4) || '-' || substr(trim(raw_birth_date::text), 4, 2) || '-' || substr(trim(raw_birth_date::text), 1, 2)
    when trim(raw_birth_date::text) ~ '^\d{8}$'
      then substr(trim(raw_birth_date::text), 1, 4) || '-' || substr(trim(raw_birth_date::text), 5, 2) || '-' || substr(trim(raw_birth_date::text), 7, 2)
  end, 1, 4)::int, substr(case
    when trim(raw_birth_date::text) ~ '^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2})?)?$' then substr(trim(raw_birth_date::text), 1, 10)
    when trim(raw_birth_date::text) ~ '^\d{2}/\d{2}/\d{4}$'
      then substr(trim(raw_birth_date::text), 7, 4) || '-' || substr(trim(raw_birth_date::text), 4, 2) || '-' || substr(trim(raw_birth_date::text), 1, 2)
    when trim(raw_birth_date::text) ~ '^\d{8}$'
      then substr(trim(raw_birth_date::text), 1, 4) || '-' || substr(trim(raw_birth_date::text), 5, 2) || '-' || substr(trim(raw_birth_date::text), 7, 2)
  end, 6, 2)::int, 1)
            + interval '1 month - 1 day')
          then (case
    when trim(raw_birth_date::text) ~ '^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2})?)?$' then substr(trim(raw_birth_date::text), 1, 10)
    when trim(raw_birth_date::text) ~ '^\d{2}/\d{2}/\d{4}$'
      then substr(trim(raw_birth_date::text), 7, 4) || '-' || substr(trim(raw_birth_date::text), 4, 2) || '-' || substr(trim(raw_birth_date::text), 1, 2)
    when trim(raw_birth_date::text) ~ '^\d{8}$'
      then substr(trim(raw_birth_date::text), 1, 4) || '-' || substr(trim(raw_birth_date::text), 5, 2) || '-' || substr(trim(raw_birth_date::text), 7, 2)
  end)::date
      end
  end as birth_date,
    case
    when substr(case
    when trim(raw_signed_up_at::text) ~ '^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2})?)?$' then substr(trim(raw_signed_up_at::text), 1, 10)
    when trim(raw_signed_up_at::text) ~ '^\d{2}/\d{2}/\d{4}$'
      then substr(trim(raw_signed_up_at::text), 7, 4) || '-' || substr(trim(raw_signed_up_at::text), 4, 2) || '-' || substr(trim(raw_signed_up_at::text), 1, 2)
    when trim(raw_signed_up_at::text) ~ '^\d{8}$'
      then substr(trim(raw_signed_up_at::text), 1, 4) || '-' || substr(trim(raw_signed_up_at::text), 5, 2) || '-' || substr(trim(raw_signed_up_at::text), 7, 2)
  end, 6, 2)::int between 1 and 12 then
      case
        when substr(case
    when trim(raw_signed_up_at::text) ~ '^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2})?)?$' then substr(trim(raw_signed_up_at::text), 1, 10)
    when trim(raw_signed_up_at::text) ~ '^\d{2}/\d{2}/\d{4}$'
      then substr(trim(raw_signed_up_at::text), 7, 4) || '-' || substr(trim(raw_signed_up_at::text), 4, 2) || '-' || substr(trim(raw_signed_up_at::text), 1, 2)
    when trim(raw_signed_up_at::text) ~ '^\d{8}$'
      then substr(trim(raw_signed_up_at::text), 1, 4) || '-' || substr(trim(raw_signed_up_at::text), 5, 2) || '-' || substr(trim(raw_signed_up_at::text), 7, 2)
  end, 9, 2)::int between 1 and extract(day from
            make_date(substr(case
    when trim(raw_signed_up_at::text) ~ '^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2})?)?$' then substr(trim(raw_signed_up_at::text), 1, 10)
    when trim(raw_signed_up_at::text) ~ '^\d{2}/\d{2}/\d{4}$'
      then substr(trim(raw_signed_up_at::text), 7, 4) || '-' || substr(trim(raw_signed_up_at::text), 4, 2) || '-' || substr(trim(raw_signed_up_at::text), 1, 2)
    when trim(raw_signed_up_at::text) ~ '^\d{8}$'
      then substr(trim(raw_signed_up_at::text), 1, 4) || '-' || substr(trim(raw_signed_up_at::text), 5, 2) || '-' || substr(trim(raw_signed_up_at::text), 7, 2)
  end, 1, 4)::int, substr(case
    when trim(raw_signed_up_at::text) ~ '^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2})?)?$' then substr(trim(raw_signed_up_at::text), 1, 10)
    when trim(raw_signed_up_at::text) ~ '^\d{2}/\d{2}/\d{4}$'
      then substr(trim(raw_signed_up_at::text), 7, 4) || '-' || substr(trim(raw_signed_up_at::text), 4, 2) || '-' || substr(trim(raw_signed_up_at::text), 1, 2)
    when trim(raw_signed_up_at::text) ~ '^\d{8}$'
      then substr(trim(raw_signed_up_at::text), 1, 4) || '-' || substr(trim(raw_signed_up_at::text), 5, 2) || '-' || substr(trim(raw_signed_up_at::text), 7, 2)
  end, 6, 2)::int, 1)
            + interval '1 month - 1 day')
          then (case
    when trim(raw_signed_up_at::text) ~ '^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2})?)?$' then substr(trim(raw_signed_up_at::text), 1, 10)
    when trim(raw_signed_up_at::text) ~ '^\d{2}/\d{2}/\d{4}$'
      then substr(trim(raw_signed_up_at::text), 7, 4) || '-' || substr(trim(raw_signed_up_at::text), 4, 2) || '-' || substr(trim(raw_signed_up_at::text), 1, 2)
    when trim(raw_signed_up_at::text) ~ '^\d{8}$'
      then substr(trim(raw_signed_up_at::text), 1, 4) || '-' || substr(trim(raw_signed_up_at::text), 5, 2) || '-' || substr(trim(raw_signed_up_at::text), 7, 2)
  end)::date
      end
  end as signed_up_at
  from raw
  left join "analytics_reference"."country_aliases" as aliases
    on upper(trim(raw.raw_country)) = upper(aliases.alias)
),

numbered as (
  select
    typed.*,
    row_number() over (partition by customer_id order by raw_email, raw_signed_up_at) as copy_number
  from typed
)

select
  numbered.*,
  case
    when customer_id is null then 'missing or malformed customer_id'
    when copy_number > 1 then 'conflicting duplicate of customer_id'
    when country_code is null then 'unknown country'
    when signed_up_at is null then 'unparseable signed_up_at'
    when raw_birth_date is not null and birth_date is null then 'unparseable birth_date'
  end as reject_reason
from numbered
