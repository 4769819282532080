-- An erasure request leaves no personal data in staging, the star schema or the marts.
select 'stg_customers' as model, customer_id::text as customer_id
from {{ ref('stg_customers') }}
where is_erased and coalesce(email, full_name, city, birth_date::text) is not null
union all
select 'stg_customers_rejected', customer_id
from {{ ref('stg_customers_rejected') }}
where customer_id in (select customer_id::text from {{ ref('gdpr_erasure_requests') }})
  and coalesce(email, full_name, city, birth_date) is not null
union all
select 'dim_customers', customer_id::text
from {{ ref('dim_customers') }}
where is_erased and coalesce(email_masked, email_hash, city) is not null
union all
select 'customer_churn', customer_id::text
from {{ ref('customer_churn') }}
where customer_id in (select customer_id from {{ ref('gdpr_erasure_requests') }})
  and email_masked is not null
