-- Negative quantities are returns or typos; staging must never let one through.
select order_line_id, quantity
from "analytics_staging"."stg_order_lines"
where quantity < 0
