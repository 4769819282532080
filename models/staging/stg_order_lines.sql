select order_line_id, order_id, product_id, quantity, unit_price
from {{ ref('int_order_lines_checked') }}
where reject_reason is null
