select
  customer_id::int as customer_id,
  lower(trim(email)) as email,
  trim(full_name) as full_name,
  -- CRM exports re-encode UTF-8 as Latin-1: "SÃ£o Paulo" becomes "São Paulo" again.
  convert_from(convert_to(city, 'LATIN1'), 'UTF8') as city,
  case upper(trim(country))
    when 'BRAZIL' then 'BR'
    when 'BR' then 'BR'
    when 'FRANCE' then 'FR'
    when 'FR' then 'FR'
    when 'GERMANY' then 'DE'
    when 'DEUTSCHLAND' then 'DE'
    when 'DE' then 'DE'
  end as country_code,
  birth_date::date as birth_date,
  signed_up_at::date as signed_up_at
from "analytics_crm"."customers"
