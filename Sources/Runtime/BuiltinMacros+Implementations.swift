extension BuiltinMacros {
  /// The PostgreSQL implementations (`postgres__x`) and engine-neutral ones (`default__x`),
  /// written for swdbt after the SQL dbt-postgres produces.
  static let implementations = #"""
    {%- macro set_sql_header(config) -%}{{ config.set('sql_header', caller()) }}{%- endmacro -%}
    {%- macro postgres__any_value(expression) -%}min({{ expression }}){%- endmacro -%}
    {%- macro default__array_append(array, new_element) -%}
    array_append({{ array }}, {{ new_element }})
    {%- endmacro -%}
    {%- macro default__array_concat(array_1, array_2) -%}
    array_cat({{ array_1 }}, {{ array_2 }})
    {%- endmacro -%}
    {%- macro default__array_construct(inputs, data_type) -%}
    {%- if inputs | length > 0 -%}array[ {{ inputs | join(' , ') }} ]
    {%- else -%}array[]::{{ data_type }}[]{%- endif -%}
    {%- endmacro -%}
    {%- macro default__bool_or(expression) -%}bool_or({{ expression }}){%- endmacro -%}
    {%- macro default__cast(field, type) -%}cast({{ field }} as {{ type }}){%- endmacro -%}
    {%- macro default__cast_bool_to_text(field) -%}
    cast({{ field }} as {{ api.Column.translate_type('string') }})
    {%- endmacro -%}
    {%- macro default__concat(fields) -%}{{ fields | join(' || ') }}{%- endmacro -%}
    {%- macro postgres__current_timestamp() -%}now(){%- endmacro -%}
    {%- macro default__current_timestamp_backcompat() -%}
    current_timestamp::{{ type_timestamp() }}
    {%- endmacro -%}
    {%- macro default__current_timestamp_in_utc_backcompat() -%}
    (current_timestamp at time zone 'utc')::{{ type_timestamp() }}
    {%- endmacro -%}
    {%- macro postgres__snapshot_get_time() -%}
    {{ current_timestamp() }}::timestamp without time zone
    {%- endmacro -%}
    {%- macro default__date(year, month, day) -%}
    to_date('{{ year }}-{{ month }}-{{ day }}', 'YYYY-MM-DD')
    {%- endmacro -%}
    {%- macro default__date_trunc(datepart, date) -%}
    date_trunc('{{ datepart }}', {{ date }})
    {%- endmacro -%}
    {%- macro postgres__dateadd(datepart, interval, from_date_or_timestamp) -%}
    {{ from_date_or_timestamp }} + ((interval '1 {{ datepart }}') * ({{ interval }}))
    {%- endmacro -%}
    {%- macro postgres__datediff(first_date, second_date, datepart) -%}
    {%- set first_day = '(' ~ first_date ~ ')::date' -%}
    {%- set second_day = '(' ~ second_date ~ ')::date' -%}
    {%- set first_time = '(' ~ first_date ~ ')::timestamp' -%}
    {%- set second_time = '(' ~ second_date ~ ')::timestamp' -%}
    {%- if datepart == 'year' -%}
    (date_part('year', {{ second_day }}) - date_part('year', {{ first_day }}))
    {%- elif datepart == 'quarter' -%}
    ({{ datediff(first_date, second_date, 'year') }} * 4 + date_part('quarter', {{ second_day }}) - date_part('quarter', {{ first_day }}))
    {%- elif datepart == 'month' -%}
    ({{ datediff(first_date, second_date, 'year') }} * 12 + date_part('month', {{ second_day }}) - date_part('month', {{ first_day }}))
    {%- elif datepart == 'day' -%}
    ({{ second_day }} - {{ first_day }})
    {%- elif datepart == 'week' -%}
    ({{ datediff(first_date, second_date, 'day') }} / 7 + case when date_part('dow', {{ first_time }}) <= date_part('dow', {{ second_time }}) then case when {{ first_date }} <= {{ second_date }} then 0 else -1 end else case when {{ first_date }} <= {{ second_date }} then 1 else 0 end end)
    {%- elif datepart == 'hour' -%}
    ({{ datediff(first_date, second_date, 'day') }} * 24 + date_part('hour', {{ second_time }}) - date_part('hour', {{ first_time }}))
    {%- elif datepart == 'minute' -%}
    ({{ datediff(first_date, second_date, 'hour') }} * 60 + date_part('minute', {{ second_time }}) - date_part('minute', {{ first_time }}))
    {%- elif datepart in ['second', 'millisecond', 'microsecond'] -%}
    {%- set factor = {'second': '60', 'millisecond': '60000', 'microsecond': '60000000'}[datepart] -%}
    ({{ datediff(first_date, second_date, 'minute') }} * {{ factor }} + floor(date_part('{{ datepart }}', {{ second_time }})) - floor(date_part('{{ datepart }}', {{ first_time }})))
    {%- else -%}
    {{ exceptions.raise_compiler_error("unsupported datepart for `datediff` on postgres: '" ~ datepart ~ "'") }}
    {%- endif -%}
    {%- endmacro -%}
    {%- macro default__equals(expr1, expr2) -%}({{ expr1 }} = {{ expr2 }}){%- endmacro -%}
    {%- macro default__escape_single_quotes(expression) -%}
    {{ expression | replace("'", "''") }}
    {%- endmacro -%}
    {%- macro default__except() -%}except{%- endmacro -%}
    {%- macro default__intersect() -%}intersect{%- endmacro -%}
    {%- macro default__get_powers_of_two(upper_bound) -%}
    {%- if upper_bound <= 0 -%}
    {{ exceptions.raise_compiler_error("`get_powers_of_two` needs a positive upper bound") }}
    {%- endif -%}
    {%- for power in range(1, 100) -%}
    {%- if upper_bound <= 2 ** power -%}{{ return(power) }}{%- endif -%}
    {%- endfor -%}
    {%- endmacro -%}
    {%- macro default__generate_series(upper_bound) -%}
    {%- set bits = dbt.get_powers_of_two(upper_bound) -%}
    with p as (
        select 0 as generated_number union all select 1
    ), unioned as (
        select {% for i in range(bits) %}p{{ i }}.generated_number * power(2, {{ i }}) + {% endfor %}1 as generated_number
        from {% for i in range(bits) %}p as p{{ i }}{% if not loop.last %} cross join {% endif %}{% endfor %}
    )
    select * from unioned
    where generated_number <= {{ upper_bound }}
    order by generated_number
    {%- endmacro -%}
    {%- macro postgres__date_spine(datepart, start_date, end_date) -%}
    {#- PostgreSQL's own generate_series counts the periods in SQL, so no query runs while compiling. -#}
    with all_periods as (
        select ({{ dbt.dateadd(datepart, 'period_offset', start_date) }}) as date_{{ datepart }}
        from generate_series(0, ({{ dbt.datediff(start_date, end_date, datepart) }}) - 1) as periods(period_offset)
    ), filtered as (
        select * from all_periods where date_{{ datepart }} <= {{ end_date }}
    )
    select * from filtered
    {%- endmacro -%}
    {%- macro default__hash(field) -%}
    md5(cast({{ field }} as {{ api.Column.translate_type('string') }}))
    {%- endmacro -%}
    {%- macro default_last_day(date, datepart) -%}
    cast({{ dbt.dateadd('day', '-1', dbt.dateadd(datepart, '1', dbt.date_trunc(datepart, date))) }} as date)
    {%- endmacro -%}
    {%- macro postgres__last_day(date, datepart) -%}
    {#- An interval of one quarter does not exist in PostgreSQL: add three months. -#}
    {%- if datepart == 'quarter' -%}
    cast({{ dbt.dateadd('day', '-1', dbt.dateadd('month', '3', dbt.date_trunc(datepart, date))) }} as date)
    {%- else -%}
    {{ dbt.default_last_day(date, datepart) }}
    {%- endif -%}
    {%- endmacro -%}
    {%- macro default__length(expression) -%}length({{ expression }}){%- endmacro -%}
    {%- macro postgres__listagg(measure, delimiter_text, order_by_clause, limit_num) -%}
    {%- if limit_num -%}
    array_to_string((array_agg({{ measure }}{% if order_by_clause %} {{ order_by_clause }}{% endif %}))[1:{{ limit_num }}], {{ delimiter_text }})
    {%- else -%}
    string_agg({{ measure }}, {{ delimiter_text }}{% if order_by_clause %} {{ order_by_clause }}{% endif %})
    {%- endif -%}
    {%- endmacro -%}
    {%- macro default__position(substring_text, string_text) -%}
    position({{ substring_text }} in {{ string_text }})
    {%- endmacro -%}
    {%- macro default__replace(field, old_chars, new_chars) -%}
    replace({{ field }}, {{ old_chars }}, {{ new_chars }})
    {%- endmacro -%}
    {%- macro default__right(string_text, length_expression) -%}
    right({{ string_text }}, {{ length_expression }})
    {%- endmacro -%}
    {%- macro default__safe_cast(field, type) -%}cast({{ field }} as {{ type }}){%- endmacro -%}
    {%- macro default__split_part(string_text, delimiter_text, part_number) -%}
    split_part({{ string_text }}, {{ delimiter_text }}, {{ part_number }})
    {%- endmacro -%}
    {%- macro postgres__split_part(string_text, delimiter_text, part_number) -%}
    {#- PostgreSQL before 14 has no negative parts: count them from the end. -#}
    {%- if part_number >= 0 -%}
    {{ dbt.default__split_part(string_text, delimiter_text, part_number) }}
    {%- else -%}
    split_part({{ string_text }}, {{ delimiter_text }}, length({{ string_text }}) - length(replace({{ string_text }}, {{ delimiter_text }}, '')) + 2 + {{ part_number }})
    {%- endif -%}
    {%- endmacro -%}
    {%- macro default__string_literal(value) -%}'{{ value }}'{%- endmacro -%}
    {%- macro default__type_bigint() -%}bigint{%- endmacro -%}
    {%- macro default__type_boolean() -%}boolean{%- endmacro -%}
    {%- macro default__type_float() -%}float{%- endmacro -%}
    {%- macro default__type_int() -%}integer{%- endmacro -%}
    {%- macro default__type_numeric() -%}numeric(28,6){%- endmacro -%}
    {%- macro default__type_string() -%}TEXT{%- endmacro -%}
    {%- macro default__type_timestamp() -%}timestamp{%- endmacro -%}
    """#
}
