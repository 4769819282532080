-- Revenue per quarter of the calendar, with growth on the same quarter a year before.
with quarters as (
  select distinct year, quarter, year_quarter from {{ ref('dim_date') }}
),

sold as (
  select
    dates.year_quarter,
    sum(sales.revenue) as revenue,
    sum(sales.quantity) as units
  from {{ ref('fact_sales') }} as sales
  join {{ ref('dim_date') }} as dates using (date_day)
  group by dates.year_quarter
)

select
  quarters.year,
  quarters.quarter,
  quarters.year_quarter,
  coalesce(sold.revenue, 0) as revenue,
  coalesce(sold.units, 0) as units,
  round(
    coalesce(sold.revenue, 0)
      / nullif(lag(coalesce(sold.revenue, 0), 4) over (order by quarters.year, quarters.quarter), 0)
      - 1,
    4
  ) as yoy_growth
from quarters
left join sold using (year_quarter)
