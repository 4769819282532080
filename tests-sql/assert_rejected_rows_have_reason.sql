-- A rejected row without a reason could not be fixed at the source.
select 'customers' as source, customer_id as id from {{ ref('stg_customers_rejected') }}
where coalesce(reject_reason, '') = ''
union all
select 'orders', order_id from {{ ref('stg_orders_rejected') }} where coalesce(reject_reason, '') = ''
union all
select 'order_lines', order_line_id from {{ ref('stg_order_lines_rejected') }}
where coalesce(reject_reason, '') = ''
union all
select 'products', product_id from {{ ref('stg_products_rejected') }}
where coalesce(reject_reason, '') = ''
