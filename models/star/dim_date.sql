-- Every day of every year the data touches (orders and sign-ups), so any fact finds its day.
with days as (
  select order_date as day from {{ ref('stg_orders') }}
  union all
  select signed_up_at from {{ ref('stg_customers') }}
),

bounds as (
  select
    date_trunc('year', min(day))::date as first_day,
    (date_trunc('year', max(day)) + interval '1 year - 1 day')::date as last_day
  from days
)

select
  day::date as date_day,
  extract(year from day)::int as year,
  extract(quarter from day)::int as quarter,
  extract(month from day)::int as month,
  to_char(day, 'YYYY-MM') as year_month,
  to_char(day, 'YYYY') || '-Q' || extract(quarter from day) as year_quarter,
  extract(isodow from day)::int as iso_day_of_week
from bounds, generate_series(bounds.first_day, bounds.last_day, interval '1 day') as day
