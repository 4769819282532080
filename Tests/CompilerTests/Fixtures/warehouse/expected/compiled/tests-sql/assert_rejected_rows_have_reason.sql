-- A rejected row without a reason could not be fixed at the source.
select 'customers' as source, customer_id as id from "analytics_staging"."stg_customers_rejected"
where coalesce(reject_reason, '') = ''
union all
select 'orders', order_id from "analytics_staging"."stg_orders_rejected" where coalesce(reject_reason, '') = ''
union all
select 'order_lines', order_line_id from "analytics_staging"."stg_order_lines_rejected"
where coalesce(reject_reason, '') = ''
union all
select 'products', product_id from "analytics_staging"."stg_products_rejected"
where coalesce(reject_reason, '') = ''
