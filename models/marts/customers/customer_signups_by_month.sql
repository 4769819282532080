select
  to_char(signup_month, 'YYYY-MM') as signup_month,
  count(*) as new_customers,
  sum(count(*)) over (order by signup_month) as customers_to_date
from {{ ref('dim_customers') }}
group by signup_month
