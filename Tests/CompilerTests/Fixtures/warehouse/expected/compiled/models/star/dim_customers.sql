-- One row per customer. customer_id is the CRM's natural key: it is stable, and the CRM never
-- reuses ids, so no surrogate key is needed.
select
  customer_id,
  regexp_replace(email, '^(.)[^@]*(@.*)$', '\1***\2') as email_masked,
  -- Pseudonymised: joins and distinct counts still work, the address is not readable.
  md5(email) as email_hash,
  city,
  country_code,
  case
    when birth_date is null then 'unknown'
    when date_part('year', age(signed_up_at, birth_date)) < 25 then '18-24'
    when date_part('year', age(signed_up_at, birth_date)) < 35 then '25-34'
    when date_part('year', age(signed_up_at, birth_date)) < 45 then '35-44'
    when date_part('year', age(signed_up_at, birth_date)) < 55 then '45-54'
    when date_part('year', age(signed_up_at, birth_date)) < 65 then '55-64'
    else '65+'
  end as age_band,
  signed_up_at as signup_date,
  date_trunc('month', signed_up_at)::date as signup_month,
  is_erased
from "analytics_staging"."stg_customers"
