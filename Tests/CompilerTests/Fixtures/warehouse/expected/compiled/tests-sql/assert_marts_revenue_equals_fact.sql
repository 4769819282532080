-- Every sales mart adds up to the fact table, to the cent.
with fact as (select coalesce(sum(revenue), 0) as revenue from "analytics_star"."fact_sales"),
marts as (
  select 'sales_revenue_by_month' as mart, sum(revenue) as revenue from "analytics_marts"."sales_revenue_by_month"
  union all
  select 'sales_revenue_by_quarter', sum(revenue) from "analytics_marts"."sales_revenue_by_quarter"
  union all
  select 'sales_revenue_by_year', sum(revenue) from "analytics_marts"."sales_revenue_by_year"
  union all
  select 'sales_top_products', sum(revenue) from "analytics_marts"."sales_top_products"
  union all
  select 'sales_top_categories', sum(revenue) from "analytics_marts"."sales_top_categories"
  union all
  select 'customer_churn', sum(lifetime_revenue) from "analytics_marts"."customer_churn"
)
select marts.mart, marts.revenue as mart_revenue, fact.revenue as fact_revenue
from marts, fact
where marts.revenue is distinct from fact.revenue
