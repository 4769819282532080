-- One row per order: its customer, date, status and totals over its clean lines.
select
  orders.order_id,
  orders.customer_id,
  orders.order_date,
  orders.status,
  count(lines.order_line_id) as line_count,
  coalesce(sum(lines.quantity), 0) as units,
  coalesce(sum(lines.quantity * lines.unit_price), 0)::numeric(14, 2) as order_total
from {{ ref('stg_orders') }} as orders
left join {{ ref('stg_order_lines') }} as lines using (order_id)
group by orders.order_id, orders.customer_id, orders.order_date, orders.status
