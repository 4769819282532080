
-- Every order row once, typed, with the reason it cannot be used.
with raw as (
  select distinct
    order_id::text as raw_order_id,
    customer_id::text as raw_customer_id,
    ordered_at::text as raw_ordered_at,
    status::text as raw_status
  from "analytics_raw"."raw_orders"
),

typed as (
  select
    raw.*,
    case when trim(raw_order_id::text) ~ '^-?\d{1,9}$' then trim(raw_order_id::text)::int end as order_id,
    case when trim(raw_customer_id::text) ~ '^-?\d{1,9}$' then trim(raw_customer_id::text)::int end as customer_id,
    case
    when substr(case
    when trim(raw_ordered_at::text) ~ '^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2})?)?$' then substr(trim(raw_ordered_at::text), 1, 10)
    when trim(raw_ordered_at::text) ~ '^\d{2}/\d{2}/\d{4}$'
      then substr(trim(raw_ordered_at::text), 7, 4) || '-' || substr(trim(raw_ordered_at::text), 4, 2) || '-' || substr(trim(raw_ordered_at::text), 1, 2)
    when trim(raw_ordered_at::text) ~ '^\d{8}$'
      then substr(trim(raw_ordered_at::text), 1, 4) || '-' || substr(trim(raw_ordered_at::text), 5, 2) || '-' || substr(trim(raw_ordered_at::text), 7, 2)
  end, 6, 2)::int between 1 and 12 then
      case
        when substr(case
    when trim(raw_ordered_at::text) ~ '^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2})?)?$' then substr(trim(raw_ordered_at::text), 1, 10)
    when trim(raw_ordered_at::text) ~ '^\d{2}/\d{2}/\d{4}$'
      then substr(trim(raw_ordered_at::text), 7, 4) || '-' || substr(trim(raw_ordered_at::text), 4, 2) || '-' || substr(trim(raw_ordered_at::text), 1, 2)
    when trim(raw_ordered_at::text) ~ '^\d{8}$'
      then substr(trim(raw_ordered_at::text), 1, 4) || '-' || substr(trim(raw_ordered_at::text), 5, 2) || '-' || substr(trim(raw_ordered_at::text), 7, 2)
  end, 9, 2)::int between 1 and extract(day from
            make_date(substr(case
    when trim(raw_ordered_at::text) ~ '^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2})?)?$' then substr(trim(raw_ordered_at::text), 1, 10)
    when trim(raw_ordered_at::text) ~ '^\d{2}/\d{2}/\d{4}$'
      then substr(trim(raw_ordered_at::text), 7, 4) || '-' || substr(trim(raw_ordered_at::text), 4, 2) || '-' || substr(trim(raw_ordered_at::text), 1, 2)
    when trim(raw_ordered_at::text) ~ '^\d{8}$'
      then substr(trim(raw_ordered_at::text), 1, 4) || '-' || substr(trim(raw_ordered_at::text), 5, 2) || '-' || substr(trim(raw_ordered_at::text), 7, 2)
  end, 1, 4)::int, substr(case
    when trim(raw_ordered_at::text) ~ '^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2})?)?$' then substr(trim(raw_ordered_at::text), 1, 10)
    when trim(raw_ordered_at::text) ~ '^\d{2}/\d{2}/\d{4}$'
      then substr(trim(raw_ordered_at::text), 7, 4) || '-' || substr(trim(raw_ordered_at::text), 4, 2) || '-' || substr(trim(raw_ordered_at::text), 1, 2)
    when trim(raw_ordered_at::text) ~ '^\d{8}$'
      then substr(trim(raw_ordered_at::text), 1, 4) || '-' || substr(trim(raw_ordered_at::text), 5, 2) || '-' || substr(trim(raw_ordered_at::text), 7, 2)
  end, 6, 2)::int, 1)
            + interval '1 month - 1 day')
          then (case
    when trim(raw_ordered_at::text) ~ '^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2})?)?$' then substr(trim(raw_ordered_at::text), 1, 10)
    when trim(raw_ordered_at::text) ~ '^\d{2}/\d{2}/\d{4}$'
      then substr(trim(raw_ordered_at::text), 7, 4) || '-' || substr(trim(raw_ordered_at::text), 4, 2) || '-' || substr(trim(raw_ordered_at::text), 1, 2)
    when trim(raw_ordered_at::text) ~ '^\d{8}$'
      then substr(trim(raw_ordered_at::text), 1, 4) || '-' || substr(trim(raw_ordered_at::text), 5, 2) || '-' || substr(trim(raw_ordered_at::text), 7, 2)
  end)::date
      end
  end as order_date,
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
  left join "analytics_staging"."stg_customers" as customers using (customer_id)
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
