select product_id, product_name, category, list_price
from "analytics_staging"."stg_products"
