{{ config(materialized='table') }}
-- Every catalogue entry once, typed, with the reason it cannot be used.
with raw as (
  select distinct
    product_id::text as raw_product_id,
    name::text as raw_name,
    category::text as raw_category,
    list_price::text as raw_list_price
  from {{ ref('raw_products') }}
),

typed as (
  select
    raw.*,
    {{ parse_int('raw_product_id') }} as product_id,
    nullif(trim(raw_name), '') as product_name,
    -- The catalogue spells categories in any case, and sometimes in the singular.
    case lower(trim(raw_category))
      when 'grocery' then 'groceries'
      when 'book' then 'books'
      else lower(trim(raw_category))
    end as category,
    {{ parse_amount('raw_list_price') }} as list_price
  from raw
),

numbered as (
  select
    typed.*,
    row_number() over (partition by product_id order by raw_name, raw_list_price) as copy_number
  from typed
)

select
  numbered.*,
  case
    when product_id is null then 'missing or malformed product_id'
    when copy_number > 1 then 'conflicting duplicate of product_id'
    when category is null
      or category not in ('electronics', 'furniture', 'groceries', 'clothing', 'books')
      then 'unknown category'
    when list_price is null or list_price <= 0 then 'missing or non-positive list_price'
  end as reject_reason
from numbered
