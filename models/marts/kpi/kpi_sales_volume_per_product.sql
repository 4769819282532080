select product_id, product_name, category, units from {{ ref('sales_top_products') }}
