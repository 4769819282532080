select signup_month, new_customers from {{ ref('customer_signups_by_month') }}
