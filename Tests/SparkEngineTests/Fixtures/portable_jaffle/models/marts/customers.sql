{{ config(materialized='table') }}
with customer_orders as (
  select
    customer_id,
    min(order_date) as first_order,
    max(order_date) as most_recent_order,
    count(order_id) as number_of_orders,
    sum(total_amount) as lifetime_value,
    {{ dbt.bool_or("status = 'returned'") }} as has_returned
  from {{ ref('orders') }}
  group by customer_id
)
select
  c.customer_id,
  {{ dbt.concat(['c.first_name', "' '", 'c.last_name']) }} as full_name,
  co.first_order,
  co.most_recent_order,
  {{ dbt.datediff('co.first_order', 'co.most_recent_order', 'day') }} as days_active,
  {{ dbt.dateadd('month', 1, 'co.most_recent_order') }} as follow_up_at,
  coalesce(co.number_of_orders, 0) as number_of_orders,
  co.lifetime_value,
  co.has_returned
from {{ ref('stg_customers') }} c
left join customer_orders co on co.customer_id = c.customer_id
