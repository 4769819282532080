-- The KPI sheet agrees with the marts it summarises.
select 'new customers' as kpi
where (select sum(new_customers) from {{ ref('kpi_new_customers_per_month') }})
  <> (select count(*) from {{ ref('dim_customers') }})
union all
select 'customers per country'
where (select sum(customers) from {{ ref('kpi_customers_per_country') }})
  <> (select count(*) from {{ ref('dim_customers') }})
union all
select 'sales volume'
where (select sum(units) from {{ ref('kpi_sales_volume_per_product') }})
  <> (select sum(quantity) from {{ ref('fact_sales') }})
