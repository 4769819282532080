{{
  config(
    materialized='incremental',
    unique_key='order_line_id',
    incremental_strategy='delete+insert',
    post_hook="delete from {{ this }} as fact using {{ ref('stg_orders') }} as orders
      where fact.order_id = orders.order_id and orders.status = 'cancelled'"
  )
}}
-- One row per order line of an order that was not cancelled. Incremental on the order date:
-- a run reloads the last few days (late lines land there) and appends what is newer. An
-- order cancelled after its lines were loaded (outside that window) is removed by the
-- post-hook, so revenue is not overstated until the next full refresh.

select
  lines.order_line_id,
  lines.order_id,
  orders.customer_id,
  lines.product_id,
  orders.order_date as date_day,
  lines.quantity,
  lines.unit_price,
  (lines.quantity * lines.unit_price)::numeric(14, 2) as revenue
from {{ ref('stg_order_lines') }} as lines
join {{ ref('stg_orders') }} as orders using (order_id)
where orders.status <> 'cancelled'
{% if is_incremental() %}
  and orders.order_date >= (
    select coalesce(max(date_day) - {{ var('fact_lookback_days', 3) }}, date '1900-01-01')
    from {{ this }}
  )
{% endif %}
