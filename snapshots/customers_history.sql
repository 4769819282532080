-- The CRM customers over time (type-2 history): each change of e-mail, city or country closes
-- the customer's current row and opens a new one; a customer deleted from the CRM keeps their
-- history, closed. Read from staging, so an erasure request blanks the new versions; the
-- post-hook blanks the older versions too (GDPR.md, erasure step 2).
{% snapshot customers_history %}
{{
  config(
    schema='history',
    unique_key='customer_id',
    strategy='check',
    check_cols=['email', 'city', 'country_code', 'is_erased'],
    hard_deletes='invalidate',
    post_hook="update {{ this }} set email = null, full_name = null, city = null, birth_date = null
      where customer_id in (select customer_id from {{ target.schema }}_raw.gdpr_erasure_requests)
      and (email is not null or full_name is not null or city is not null or birth_date is not null)",
  )
}}
select customer_id, email, full_name, city, country_code, birth_date, is_erased
from {{ ref('stg_customers') }}
{% endsnapshot %}
