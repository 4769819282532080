-- Nothing is dropped silently: each distinct raw row is either clean or rejected.
with counts as (
  select
    'customers' as raw_table,
    (select count(*) from (select distinct * from "analytics_crm"."customers") as raw) as raw_rows,
    (select count(*) from "analytics_staging"."stg_customers")
      + (select count(*) from "analytics_staging"."stg_customers_rejected") as accounted_rows
  union all
  select
    'orders',
    (select count(*) from (select distinct * from "analytics_raw"."raw_orders") as raw),
    (select count(*) from "analytics_staging"."stg_orders")
      + (select count(*) from "analytics_staging"."stg_orders_rejected")
  union all
  select
    'order_lines',
    (select count(*) from (select distinct * from "analytics_raw"."raw_order_lines") as raw),
    (select count(*) from "analytics_staging"."stg_order_lines")
      + (select count(*) from "analytics_staging"."stg_order_lines_rejected")
  union all
  select
    'products',
    (select count(*) from (select distinct * from "analytics_raw"."raw_products") as raw),
    (select count(*) from "analytics_staging"."stg_products")
      + (select count(*) from "analytics_staging"."stg_products_rejected")
)
select * from counts where raw_rows <> accounted_rows
