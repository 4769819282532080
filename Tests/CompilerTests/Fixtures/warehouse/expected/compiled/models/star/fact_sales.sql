

with __dbt__cte__int_order_lines_priced as (
select
  order_line_id,
  order_id,
  product_id,
  quantity,
  unit_price,
  quantity * unit_price as line_revenue
from "analytics_staging"."stg_order_lines"
)
select
  lines.order_line_id,
  lines.order_id,
  orders.customer_id,
  lines.product_id,
  orders.ordered_at as date_day,
  lines.quantity,
  lines.unit_price,
  lines.line_revenue
from __dbt__cte__int_order_lines_priced as lines
join "analytics_star"."dim_orders" as orders using (order_id)
where orders.status <> 'cancelled'

