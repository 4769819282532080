{#- Cleaning rules shared by the staging models. Every parser returns NULL for text it cannot
    read instead of failing the query, so the row can be routed to a rejected model. -#}

{% macro clean_email(column) -%}
  nullif(lower(trim({{ column }})), '')
{%- endmacro %}

{% macro mask_email(column) -%}
  {#- "ana.silva@example.com" -> "a***@example.com": the domain stays useful, the person does not. -#}
  regexp_replace({{ column }}, '^(.)[^@]*(@.*)$', '\1***\2')
{%- endmacro %}

{% macro repair_encoding(column) -%}
  {#- CRM exports sometimes re-read UTF-8 as Latin-1: "SÃ£o Paulo" becomes "São Paulo" again. -#}
  case
    when {{ column }} ~ '[ÃÂ]' then convert_from(convert_to({{ column }}, 'LATIN1'), 'UTF8')
    else {{ column }}
  end
{%- endmacro %}

{% macro parse_int(column) -%}
  case when trim({{ column }}::text) ~ '^-?\d{1,9}$' then trim({{ column }}::text)::int end
{%- endmacro %}

{% macro parse_amount(column) -%}
  {#- Exports use both decimal points and decimal commas. -#}
  case
    when trim({{ column }}::text) ~ '^-?\d{1,9}([.,]\d{1,2})?$'
      then replace(trim({{ column }}::text), ',', '.')::numeric(12, 2)
  end
{%- endmacro %}

{% macro iso_date_text(column) -%}
  {#- The exports write dates three ways (2024-03-01 with or without a time, 01/03/2024 as
      day/month/year, 20240301); each becomes 'YYYY-MM-DD' text, anything else NULL. -#}
  {%- set text = 'trim(' ~ column ~ '::text)' -%}
  case
    when {{ text }} ~ '^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2})?)?$' then substr({{ text }}, 1, 10)
    when {{ text }} ~ '^\d{2}/\d{2}/\d{4}$'
      then substr({{ text }}, 7, 4) || '-' || substr({{ text }}, 4, 2) || '-' || substr({{ text }}, 1, 2)
    when {{ text }} ~ '^\d{8}$'
      then substr({{ text }}, 1, 4) || '-' || substr({{ text }}, 5, 2) || '-' || substr({{ text }}, 7, 2)
  end
{%- endmacro %}

{% macro parse_date(iso_text) -%}
  {#- A date from iso_date_text's output, NULL when the day does not exist (31/02/2024).
      Nested CASEs, because only they guarantee the month is checked before make_date runs. -#}
  case
    when substr({{ iso_text }}, 6, 2)::int between 1 and 12 then
      case
        when substr({{ iso_text }}, 9, 2)::int between 1 and extract(day from
            make_date(substr({{ iso_text }}, 1, 4)::int, substr({{ iso_text }}, 6, 2)::int, 1)
            + interval '1 month - 1 day')
          then ({{ iso_text }})::date
      end
  end
{%- endmacro %}
