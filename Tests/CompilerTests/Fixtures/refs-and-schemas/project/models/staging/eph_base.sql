{{ config(materialized='ephemeral') }}
select p.id, c.name from {{ ref('stg_payments') }} as p join {{ ref('stg_customers') }} as c using (id)
