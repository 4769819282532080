{{
  config(
    materialized='incremental',
    unique_key='order_line_id',
    incremental_strategy='delete+insert'
  )
}}

select
  lines.order_line_id,
  lines.order_id,
  orders.customer_id,
  lines.product_id,
  orders.ordered_at as date_day,
  lines.quantity,
  lines.unit_price,
  lines.line_revenue
from {{ ref('int_order_lines_priced') }} as lines
join {{ ref('dim_orders') }} as orders using (order_id)
where orders.status <> 'cancelled'
{% if is_incremental() %}
  and orders.ordered_at >= (select coalesce(max(date_day), '1900-01-01') from {{ this }})
{% endif %}
