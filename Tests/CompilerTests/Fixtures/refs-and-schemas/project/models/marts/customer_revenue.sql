{{ config(alias='revenue_by_customer', schema='finance') }}
with ranked as (
  select *, {{ relation_label(this) }} as built_as from {{ ref('eph_top') }}
)
select * from ranked
{% if is_incremental() %}where false{% endif %}
