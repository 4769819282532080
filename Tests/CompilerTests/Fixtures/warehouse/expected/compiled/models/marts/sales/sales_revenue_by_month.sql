-- Revenue per calendar month (every month of the calendar, 0 when nothing sold), with growth
-- on the month before and on the same month a year before.
with calendar as (
  select year_month, min(date_day) as month_start
  from "analytics_star"."dim_date"
  group by year_month
),

sold as (
  select
    to_char(date_day, 'YYYY-MM') as year_month,
    sum(revenue) as revenue,
    sum(quantity) as units,
    count(distinct order_id) as orders
  from "analytics_star"."fact_sales"
  group by 1
),

months as (
  select
    calendar.year_month,
    calendar.month_start,
    coalesce(sold.revenue, 0) as revenue,
    coalesce(sold.units, 0) as units,
    coalesce(sold.orders, 0) as orders
  from calendar
  left join sold using (year_month)
)

select
  year_month,
  revenue,
  units,
  orders,
  round(revenue / nullif(lag(revenue) over (order by month_start), 0) - 1, 4) as mom_growth,
  round(
    revenue / nullif(lag(revenue, 12) over (order by month_start), 0) - 1, 4
  ) as yoy_growth
from months
