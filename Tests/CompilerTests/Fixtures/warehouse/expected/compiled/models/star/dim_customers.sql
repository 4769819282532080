select
  customer_id,
  -- Pseudonymised: the star schema never carries the raw e-mail.
  md5(email) as email_hash,
  country_code,
  case
    when birth_date is null then 'unknown'
    when date_part('year', age(signed_up_at, birth_date)) < 25 then '18-24'
    when date_part('year', age(signed_up_at, birth_date)) < 45 then '25-44'
    else '45+'
  end as age_band,
  signed_up_at
from "analytics_staging"."stg_customers"
