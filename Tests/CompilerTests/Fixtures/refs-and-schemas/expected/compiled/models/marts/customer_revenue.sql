
with __dbt__cte__eph_base as (
select p.id, c.name from "dev_staging"."stg_payments" as p join "dev_staging"."stg_customers" as c using (id)
), __dbt__cte__eph_top as (
select * from __dbt__cte__eph_base
), ranked as (
  select *, 'dev_finance.revenue_by_customer' as built_as from __dbt__cte__eph_top
)
select * from ranked

