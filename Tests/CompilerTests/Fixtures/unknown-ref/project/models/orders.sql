select *
from {{ ref("stg_order") }}
join {{ source("crm", "customer") }} using (id)
