select year_month, revenue from {{ ref('sales_revenue_by_month') }}
