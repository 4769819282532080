-- Customers that could be cleaned. An erasure request (GDPR art. 17) blanks the person's
-- data here, so nothing downstream can carry it; the key stays so sales still add up.
select
  checked.customer_id,
  case when erased.customer_id is null then checked.email end as email,
  case when erased.customer_id is null then checked.full_name end as full_name,
  case when erased.customer_id is null then checked.city end as city,
  checked.country_code,
  case when erased.customer_id is null then checked.birth_date end as birth_date,
  checked.signed_up_at,
  erased.customer_id is not null as is_erased
from "analytics_staging"."int_customers_checked" as checked
left join "analytics_raw"."gdpr_erasure_requests" as erased using (customer_id)
where checked.reject_reason is null
