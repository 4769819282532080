{{ config(materialized='view') }}
select
  id as payment_id,
  order_id,
  payment_method,
  cast(amount as {{ dbt.type_float() }}) / 100 as amount
from {{ ref('raw_payments') }}
