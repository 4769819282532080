
select p.id, c.name from "dev_staging"."stg_payments" as p join "dev_staging"."stg_customers" as c using (id)
