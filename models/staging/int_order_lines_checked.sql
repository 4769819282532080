{{ config(materialized='table') }}
-- Every order line once, typed, with the reason it cannot be used.
with raw as (
  select distinct
    order_line_id::text as raw_order_line_id,
    order_id::text as raw_order_id,
    product_id::text as raw_product_id,
    quantity::text as raw_quantity,
    unit_price::text as raw_unit_price
  from {{ ref('raw_order_lines') }}
),

typed as (
  select
    raw.*,
    {{ parse_int('raw_order_line_id') }} as order_line_id,
    {{ parse_int('raw_order_id') }} as order_id,
    {{ parse_int('raw_product_id') }} as product_id,
    {{ parse_int('raw_quantity') }} as quantity,
    {{ parse_amount('raw_unit_price') }} as unit_price
  from raw
),

numbered as (
  select
    typed.*,
    products.list_price,
    orders.order_id is not null as order_known,
    row_number() over (
      partition by typed.order_line_id order by raw_product_id, raw_quantity, raw_unit_price
    ) as copy_number
  from typed
  left join {{ ref('stg_products') }} as products using (product_id)
  left join {{ ref('stg_orders') }} as orders using (order_id)
)

select
  numbered.*,
  case
    when order_line_id is null then 'missing or malformed order_line_id'
    when copy_number > 1 then 'conflicting duplicate of order_line_id'
    when not order_known then 'unknown or rejected order'
    when list_price is null then 'unknown product'
    when quantity is null then 'missing or malformed quantity'
    when quantity <= 0 then 'non-positive quantity'
    when unit_price is null then 'malformed unit_price'
    when unit_price <= 0 then 'non-positive unit_price'
    -- A price far above the list price was typed in the wrong unit (cents, or a slip).
    when unit_price > {{ var('price_outlier_factor', 10) }} * list_price
      then 'price outlier (over {{ var("price_outlier_factor", 10) }}x list price)'
  end as reject_reason
from numbered
