select
  dates.year_month,
  sum(sales.line_revenue) as revenue,
  sum(sales.quantity) as units,
  count(distinct sales.order_id) as orders
from {{ ref('fact_sales') }} as sales
join {{ ref('dim_date') }} as dates using (date_day)
group by dates.year_month
