-- For each sign-up month (cohort) and each month after it: how many of the cohort ordered.
with cohorts as (
  select customer_id, signup_month from {{ ref('dim_customers') }}
),

activity as (
  -- One row per customer and month with an order, so counting rows counts customers.
  select distinct customer_id, date_trunc('month', date_day)::date as active_month
  from {{ ref('fact_sales') }}
),

sizes as (
  select signup_month, count(*) as cohort_size from cohorts group by signup_month
),

retained as (
  select
    cohorts.signup_month,
    (extract(year from activity.active_month) * 12 + extract(month from activity.active_month))::int
      - (extract(year from cohorts.signup_month) * 12 + extract(month from cohorts.signup_month))::int
      as months_since_signup
  from cohorts
  join activity using (customer_id)
  where activity.active_month >= cohorts.signup_month
)

select
  to_char(retained.signup_month, 'YYYY-MM') as cohort_month,
  retained.months_since_signup,
  count(*) as active_customers,
  sizes.cohort_size,
  round(count(*) * 1.0 / sizes.cohort_size, 4) as retention_rate
from retained
join sizes using (signup_month)
group by retained.signup_month, retained.months_since_signup, sizes.cohort_size
