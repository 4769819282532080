with typed as (
  select distinct
    order_id::int as order_id,
    customer_id::int as customer_id,
    case
    when ordered_at::text ~ '^\d{4}-\d{2}-\d{2}$' then to_date(ordered_at::text, 'YYYY-MM-DD')
    when ordered_at::text ~ '^\d{2}/\d{2}/\d{4}$' then to_date(ordered_at::text, 'DD/MM/YYYY')
  end as ordered_at,
    lower(trim(status)) as status
  from "analytics_raw"."raw_orders"
)

select * from typed
where customer_id is not null
