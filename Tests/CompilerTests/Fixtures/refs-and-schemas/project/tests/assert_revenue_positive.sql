select * from {{ ref('customer_revenue') }} where id < 0
