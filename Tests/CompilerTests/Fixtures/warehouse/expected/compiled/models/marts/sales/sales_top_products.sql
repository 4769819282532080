-- Every product that sold, ranked by revenue (rank 1 is the best seller).
select
  rank() over (order by sum(sales.revenue) desc, products.product_id) as revenue_rank,
  products.product_id,
  products.product_name,
  products.category,
  sum(sales.revenue) as revenue,
  sum(sales.quantity) as units
from "analytics_star"."fact_sales" as sales
join "analytics_star"."dim_products" as products using (product_id)
group by products.product_id, products.product_name, products.category
