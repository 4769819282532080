select
  order_line_id::int as order_line_id,
  order_id::int as order_id,
  product_id::int as product_id,
  quantity::int as quantity,
  replace(trim(unit_price::text), ',', '.')::numeric(12, 2) as unit_price
from "analytics_raw"."raw_order_lines"
where quantity > 0
  and product_id in (select product_id from "analytics_staging"."stg_products")
