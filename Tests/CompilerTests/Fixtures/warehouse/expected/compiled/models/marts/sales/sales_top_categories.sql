select
  rank() over (order by sum(sales.revenue) desc) as revenue_rank,
  products.category,
  sum(sales.revenue) as revenue,
  sum(sales.quantity) as units,
  round(sum(sales.revenue) / sum(sum(sales.revenue)) over (), 4) as share_of_revenue
from "analytics_star"."fact_sales" as sales
join "analytics_star"."dim_products" as products using (product_id)
group by products.category
