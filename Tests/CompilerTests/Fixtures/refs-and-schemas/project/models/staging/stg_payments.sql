{{ config(materialized='view') }}
select id, amount from {{ ref('payments') }} where amount >= {{ var('min_amount') }}
