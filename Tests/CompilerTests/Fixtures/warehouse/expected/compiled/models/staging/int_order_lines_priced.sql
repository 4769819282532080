

select
  order_line_id,
  order_id,
  product_id,
  quantity,
  unit_price,
  quantity * unit_price as line_revenue
from "analytics_staging"."stg_order_lines"
