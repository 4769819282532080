select
  rank() over (order by sum(sales.revenue) desc) as revenue_rank,
  products.category,
  sum(sales.revenue) as revenue,
  sum(sales.quantity) as units,
  round(sum(sales.revenue) / sum(sum(sales.revenue)) over (), 4) as share_of_revenue
from {{ ref('fact_sales') }} as sales
join {{ ref('dim_products') }} as products using (product_id)
group by products.category
