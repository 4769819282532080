-- The average order value: revenue over orders, per month.
select
  year_month,
  orders,
  round(revenue / nullif(orders, 0), 2) as average_basket
from "analytics_marts"."sales_revenue_by_month"
