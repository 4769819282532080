select signup_month, new_customers from "analytics_marts"."customer_signups_by_month"
