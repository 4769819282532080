

select customer_id, email, full_name, city, country_code, birth_date, is_erased
from "analytics_staging"."stg_customers"
