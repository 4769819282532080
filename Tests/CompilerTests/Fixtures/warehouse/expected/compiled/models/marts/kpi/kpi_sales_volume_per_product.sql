select product_id, product_name, category, units from "analytics_marts"."sales_top_products"
