-- Negative quantities are returns or typos; none may survive staging.
select order_line_id, quantity
from {{ ref('stg_order_lines') }}
where quantity <= 0
