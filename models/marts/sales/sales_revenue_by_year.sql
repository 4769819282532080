select
  dates.year,
  sum(sales.revenue) as revenue,
  sum(sales.quantity) as units,
  count(distinct sales.order_id) as orders,
  round(sum(sales.revenue) / nullif(lag(sum(sales.revenue)) over (order by dates.year), 0) - 1, 4)
    as yoy_growth
from {{ ref('fact_sales') }} as sales
join {{ ref('dim_date') }} as dates using (date_day)
group by dates.year
