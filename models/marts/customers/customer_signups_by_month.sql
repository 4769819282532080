select
  to_char(signed_up_at, 'YYYY-MM') as signup_month,
  count(*) as new_customers
from {{ ref('dim_customers') }}
group by 1
