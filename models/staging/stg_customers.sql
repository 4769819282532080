select
  customer_id::int as customer_id,
  {{ clean_email('email') }} as email,
  trim(full_name) as full_name,
  -- CRM exports re-encode UTF-8 as Latin-1: "SÃ£o Paulo" becomes "São Paulo" again.
  convert_from(convert_to(city, 'LATIN1'), 'UTF8') as city,
  {{ country_code('country') }} as country_code,
  birth_date::date as birth_date,
  signed_up_at::date as signed_up_at
from {{ source('crm', 'customers') }}
