{#- Cleaning rules shared by the staging models. -#}

{% macro clean_email(column) -%}
  lower(trim({{ column }}))
{%- endmacro %}

{% macro parse_amount(column) -%}
  {#- Exports use both decimal points and decimal commas. -#}
  replace(trim({{ column }}::text), ',', '.')::numeric(12, 2)
{%- endmacro %}

{% macro parse_date(column) -%}
  case
    when {{ column }} ~ '^\d{4}-\d{2}-\d{2}$' then to_date({{ column }}, 'YYYY-MM-DD')
    when {{ column }} ~ '^\d{2}/\d{2}/\d{4}$' then to_date({{ column }}, 'DD/MM/YYYY')
  end
{%- endmacro %}

{% macro country_code(column) -%}
  case upper(trim({{ column }}))
  {%- for name, code in var('country_codes', {'BRAZIL': 'BR', 'BR': 'BR', 'FRANCE': 'FR', 'FR': 'FR', 'GERMANY': 'DE', 'DEUTSCHLAND': 'DE', 'DE': 'DE'}).items() %}
    when '{{ name }}' then '{{ code }}'
  {%- endfor %}
  end
{%- endmacro %}
