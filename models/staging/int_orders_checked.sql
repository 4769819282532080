{{ config(materialized='table') }}
-- Every order row once, typed, with the reason it cannot be used.
with raw as (
  select distinct
    order_id::text as raw_order_id,
    customer_id::text as raw_customer_id,
    ordered_at::text as raw_ordered_at,
    status::text as raw_status
  from {{ ref('raw_orders') }}
),

typed as (
  select
    raw.*,
    {{ parse_int('raw_order_id') }} as order_id,
    {{ parse_int('raw_customer_id') }} as customer_id,
    {{ parse_date(iso_date_text('raw_ordered_at')) }} as order_date,
    lower(trim(raw_status)) as status
  from raw
),

numbered as (
  select
    typed.*,
    customers.customer_id is not null as customer_known,
    row_number() over (
      partition by typed.order_id order by raw_ordered_at, raw_status
    ) as copy_number
  from typed
  -- A join, not `not in (subquery)`: past work_mem PostgreSQL stops hashing the subquery and
  -- scans it once per row.
  left join {{ ref('stg_customers') }} as customers using (customer_id)
)

select
  numbered.*,
  case
    when order_id is null then 'missing or malformed order_id'
    when copy_number > 1 then 'conflicting duplicate of order_id'
    when customer_id is null then 'missing customer_id'
    when not customer_known then 'unknown customer'
    when order_date is null then 'unparseable ordered_at'
    when status not in ('placed', 'shipped', 'completed', 'cancelled') then 'unknown status'
  end as reject_reason
from numbered
