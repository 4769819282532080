{{ config(materialized='ephemeral') }}
select * from {{ ref('eph_base') }}
