select
  product_id::int as product_id,
  trim(name) as product_name,
  lower(trim(category)) as category,
  list_price::numeric(12, 2) as list_price
from "analytics_raw"."raw_products"
