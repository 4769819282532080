select
  dates.year_month,
  sum(sales.line_revenue) as revenue,
  sum(sales.quantity) as units,
  count(distinct sales.order_id) as orders
from "analytics_star"."fact_sales" as sales
join "analytics_star"."dim_date" as dates using (date_day)
group by dates.year_month
