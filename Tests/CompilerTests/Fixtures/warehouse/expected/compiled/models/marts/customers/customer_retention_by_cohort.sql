-- For each sign-up month (cohort) and each month after it: how many of the cohort ordered.
with cohorts as (
  select customer_id, signup_month from "analytics_star"."dim_customers"
),

activity as (
  select distinct customer_id, date_trunc('month', date_day)::date as active_month
  from "analytics_star"."fact_sales"
),

sizes as (
  select signup_month, count(*) as cohort_size from cohorts group by signup_month
)

select
  to_char(cohorts.signup_month, 'YYYY-MM') as cohort_month,
  (extract(year from age(activity.active_month, cohorts.signup_month)) * 12
    + extract(month from age(activity.active_month, cohorts.signup_month)))::int as months_since_signup,
  count(distinct activity.customer_id) as active_customers,
  sizes.cohort_size,
  round(count(distinct activity.customer_id) * 1.0 / sizes.cohort_size, 4) as retention_rate
from cohorts
join activity using (customer_id)
join sizes using (signup_month)
where activity.active_month >= cohorts.signup_month
group by cohorts.signup_month, months_since_signup, sizes.cohort_size
