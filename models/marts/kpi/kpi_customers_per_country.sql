select country_code, count(*) as customers
from {{ ref('dim_customers') }}
group by country_code
