-- closes the loop
select * from {{ ref("a") }}
