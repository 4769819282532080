select product_id, product_name, category, list_price
from {{ ref('int_products_checked') }}
where reject_reason is null
