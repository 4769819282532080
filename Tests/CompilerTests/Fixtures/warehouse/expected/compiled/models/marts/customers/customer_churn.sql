-- One row per customer with their ordering history and churn status (definition in the YAML).
with as_of as (
  select max(date_day) as as_of_date from "analytics_star"."fact_sales"
),

history as (
  select
    customer_id,
    min(date_day) as first_order_date,
    max(date_day) as last_order_date,
    count(distinct order_id) as orders,
    sum(revenue) as lifetime_revenue
  from "analytics_star"."fact_sales"
  group by customer_id
)

select
  customers.customer_id,
  customers.email_masked,
  customers.country_code,
  customers.signup_date,
  history.first_order_date,
  history.last_order_date,
  coalesce(history.orders, 0) as orders,
  coalesce(history.lifetime_revenue, 0) as lifetime_revenue,
  as_of.as_of_date,
  as_of.as_of_date - history.last_order_date as days_since_last_order,
  case
    when history.customer_id is null then 'never ordered'
    when as_of.as_of_date - history.last_order_date > 90 then 'churned'
    else 'active'
  end as churn_status
from "analytics_star"."dim_customers" as customers
cross join as_of
left join history using (customer_id)
