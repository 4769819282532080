{{ config(materialized='table') }}
-- Every CRM row once (exact duplicates collapse), typed, with the reason it cannot be used.
-- stg_customers and stg_customers_rejected split it; nothing is dropped silently.
-- In the demo the CRM table is the seed `crm/customers`; this ref orders the build after it
-- (dbt's idiom), which a real replicated source would not need.
-- depends_on: {{ ref('customers') }}
with raw as (
  select distinct
    customer_id::text as raw_customer_id,
    email::text as raw_email,
    full_name::text as raw_full_name,
    city::text as raw_city,
    country::text as raw_country,
    birth_date::text as raw_birth_date,
    signed_up_at::text as raw_signed_up_at
  from {{ source('crm', 'customers') }}
),

typed as (
  select
    raw.*,
    {{ parse_int('raw_customer_id') }} as customer_id,
    {{ clean_email('raw_email') }} as email,
    nullif(trim(raw_full_name), '') as full_name,
    {{ repair_encoding('trim(raw_city)') }} as city,
    aliases.country_code,
    {{ parse_date(iso_date_text('raw_birth_date')) }} as birth_date,
    {{ parse_date(iso_date_text('raw_signed_up_at')) }} as signed_up_at
  from raw
  left join {{ ref('country_aliases') }} as aliases
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
