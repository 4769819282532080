-- The churn rate: churned customers over customers who ever ordered.
select
  as_of_date,
  {{ var('churn_days') }} as churn_days,
  count(*) filter (where churn_status <> 'never ordered') as customers_with_orders,
  count(*) filter (where churn_status = 'churned') as churned_customers,
  round(
    count(*) filter (where churn_status = 'churned') * 1.0
      / nullif(count(*) filter (where churn_status <> 'never ordered'), 0),
    4
  ) as churn_rate
from {{ ref('customer_churn') }}
group by as_of_date
