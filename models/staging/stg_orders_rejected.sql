select
  raw_order_id as order_id,
  raw_customer_id as customer_id,
  raw_ordered_at as ordered_at,
  raw_status as status,
  reject_reason
from {{ ref('int_orders_checked') }}
where reject_reason is not null
