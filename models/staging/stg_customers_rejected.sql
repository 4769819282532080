-- CRM rows that could not be cleaned, as exported, with the reason.
select
  checked.raw_customer_id as customer_id,
  case when erased.customer_id is null then checked.raw_email end as email,
  case when erased.customer_id is null then checked.raw_full_name end as full_name,
  case when erased.customer_id is null then checked.raw_city end as city,
  checked.raw_country as country,
  case when erased.customer_id is null then checked.raw_birth_date end as birth_date,
  checked.raw_signed_up_at as signed_up_at,
  checked.reject_reason
from {{ ref('int_customers_checked') }} as checked
left join {{ ref('gdpr_erasure_requests') }} as erased using (customer_id)
where checked.reject_reason is not null
