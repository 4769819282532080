select country_code, count(*) as customers
from "analytics_star"."dim_customers"
group by country_code
