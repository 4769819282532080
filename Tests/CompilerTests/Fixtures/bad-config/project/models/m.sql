{{ config(materialised='table', incremental_strategy='upsert') }}
select 1
