-- Customers by country and age band (age at sign-up), with their share of all customers.
select
  country_code,
  age_band,
  count(*) as customers,
  round(count(*) * 1.0 / sum(count(*)) over (), 4) as share_of_customers
from "analytics_star"."dim_customers"
group by country_code, age_band
