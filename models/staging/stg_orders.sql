with typed as (
  select distinct
    order_id::int as order_id,
    customer_id::int as customer_id,
    {{ parse_date('ordered_at::text') }} as ordered_at,
    lower(trim(status)) as status
  from {{ ref('raw_orders') }}
)

select * from typed
where customer_id is not null
