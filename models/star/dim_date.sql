{% set first_year = var('first_year', 2023) %}
{% set last_year = var('last_year', 2026) %}
select
  day::date as date_day,
  extract(year from day)::int as year,
  extract(quarter from day)::int as quarter,
  extract(month from day)::int as month,
  to_char(day, 'YYYY-MM') as year_month
from generate_series(
  '{{ first_year }}-01-01'::date, '{{ last_year }}-12-31'::date, interval '1 day'
) as day
