select order_id, customer_id, ordered_at, status
from "analytics_staging"."stg_orders"
