select
  order_line_id::int as order_line_id,
  order_id::int as order_id,
  product_id::int as product_id,
  quantity::int as quantity,
  {{ parse_amount('unit_price') }} as unit_price
from {{ ref('raw_order_lines') }}
where quantity > 0
  and product_id in (select product_id from {{ ref('stg_products') }})
