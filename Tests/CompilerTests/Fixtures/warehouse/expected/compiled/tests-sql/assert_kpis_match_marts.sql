-- The KPI sheet agrees with the marts it summarises.
select 'new customers' as kpi
where (select sum(new_customers) from "analytics_marts"."kpi_new_customers_per_month")
  <> (select count(*) from "analytics_star"."dim_customers")
union all
select 'customers per country'
where (select sum(customers) from "analytics_marts"."kpi_customers_per_country")
  <> (select count(*) from "analytics_star"."dim_customers")
union all
select 'sales volume'
where (select sum(units) from "analytics_marts"."kpi_sales_volume_per_product")
  <> (select sum(quantity) from "analytics_star"."fact_sales")
