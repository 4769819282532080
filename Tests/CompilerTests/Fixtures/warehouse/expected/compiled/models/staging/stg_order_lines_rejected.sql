select
  raw_order_line_id as order_line_id,
  raw_order_id as order_id,
  raw_product_id as product_id,
  raw_quantity as quantity,
  raw_unit_price as unit_price,
  reject_reason
from "analytics_staging"."int_order_lines_checked"
where reject_reason is not null
