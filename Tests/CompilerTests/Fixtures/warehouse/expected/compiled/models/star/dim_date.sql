

select
  day::date as date_day,
  extract(year from day)::int as year,
  extract(quarter from day)::int as quarter,
  extract(month from day)::int as month,
  to_char(day, 'YYYY-MM') as year_month
from generate_series(
  '2023-01-01'::date, '2026-12-31'::date, interval '1 day'
) as day
