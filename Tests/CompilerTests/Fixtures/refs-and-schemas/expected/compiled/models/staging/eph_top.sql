
with __dbt__cte__eph_base as (
select p.id, c.name from "dev_staging"."stg_payments" as p join "dev_staging"."stg_customers" as c using (id)
)
select * from __dbt__cte__eph_base
