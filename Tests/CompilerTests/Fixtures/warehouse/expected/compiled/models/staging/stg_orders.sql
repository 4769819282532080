select order_id, customer_id, order_date, status
from "analytics_staging"."int_orders_checked"
where reject_reason is null
