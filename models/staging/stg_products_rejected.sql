select
  raw_product_id as product_id,
  raw_name as name,
  raw_category as category,
  raw_list_price as list_price,
  reject_reason
from {{ ref('int_products_checked') }}
where reject_reason is not null
