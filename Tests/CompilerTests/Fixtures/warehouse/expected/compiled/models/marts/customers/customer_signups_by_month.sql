select
  to_char(signed_up_at, 'YYYY-MM') as signup_month,
  count(*) as new_customers
from "analytics_star"."dim_customers"
group by 1
