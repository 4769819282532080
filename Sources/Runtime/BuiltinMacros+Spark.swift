extension BuiltinMacros {
  /// The Spark implementations (`spark__x`), picked by dispatch when the target's type is
  /// `spark`: written for swdbt after what dbt-spark's cross-database macros mean, with the
  /// results PostgreSQL's give (datediff counts boundaries crossed, as dbt's does).
  static let sparkImplementations = #"""
    {%- macro spark__any_value(expression) -%}first({{ expression }}){%- endmacro -%}
    {%- macro spark__bool_or(expression) -%}bool_or({{ expression }}){%- endmacro -%}
    {%- macro spark__cast_bool_to_text(field) -%}cast({{ field }} as string){%- endmacro -%}
    {%- macro spark__concat(fields) -%}concat({{ fields | join(', ') }}){%- endmacro -%}
    {%- macro spark__current_timestamp() -%}current_timestamp(){%- endmacro -%}
    {%- macro spark__snapshot_get_time() -%}current_timestamp(){%- endmacro -%}
    {%- macro spark__current_timestamp_backcompat() -%}current_timestamp(){%- endmacro -%}
    {%- macro spark__current_timestamp_in_utc_backcompat() -%}
    to_utc_timestamp(current_timestamp(), current_timezone())
    {%- endmacro -%}
    {%- macro spark__date_trunc(datepart, date) -%}
    date_trunc('{{ datepart }}', {{ date }})
    {%- endmacro -%}
    {%- macro spark__dateadd(datepart, interval, from_date_or_timestamp) -%}
    timestampadd({{ datepart }}, {{ interval }}, {{ from_date_or_timestamp }})
    {%- endmacro -%}
    {%- macro spark__datediff(first_date, second_date, datepart) -%}
    {%- set first_day = 'cast(' ~ first_date ~ ' as date)' -%}
    {%- set second_day = 'cast(' ~ second_date ~ ' as date)' -%}
    {%- set first_time = 'cast(' ~ first_date ~ ' as timestamp)' -%}
    {%- set second_time = 'cast(' ~ second_date ~ ' as timestamp)' -%}
    {%- if datepart == 'year' -%}
    (year({{ second_day }}) - year({{ first_day }}))
    {%- elif datepart == 'quarter' -%}
    ({{ datediff(first_date, second_date, 'year') }} * 4 + quarter({{ second_day }}) - quarter({{ first_day }}))
    {%- elif datepart == 'month' -%}
    ({{ datediff(first_date, second_date, 'year') }} * 12 + month({{ second_day }}) - month({{ first_day }}))
    {%- elif datepart == 'day' -%}
    datediff({{ second_day }}, {{ first_day }})
    {%- elif datepart == 'week' -%}
    (div({{ datediff(first_date, second_date, 'day') }}, 7) + case when dayofweek({{ first_time }}) <= dayofweek({{ second_time }}) then case when {{ first_date }} <= {{ second_date }} then 0 else -1 end else case when {{ first_date }} <= {{ second_date }} then 1 else 0 end end)
    {%- elif datepart == 'hour' -%}
    ({{ datediff(first_date, second_date, 'day') }} * 24 + hour({{ second_time }}) - hour({{ first_time }}))
    {%- elif datepart == 'minute' -%}
    ({{ datediff(first_date, second_date, 'hour') }} * 60 + minute({{ second_time }}) - minute({{ first_time }}))
    {%- elif datepart == 'second' -%}
    ({{ datediff(first_date, second_date, 'minute') }} * 60 + second({{ second_time }}) - second({{ first_time }}))
    {%- else -%}
    {{ exceptions.raise_compiler_error("unsupported datepart for `datediff` on spark: '" ~ datepart ~ "'") }}
    {%- endif -%}
    {%- endmacro -%}
    {%- macro spark__escape_single_quotes(expression) -%}
    {{ expression | replace("\\", "\\\\") | replace("'", "\\'") }}
    {%- endmacro -%}
    {%- macro spark__hash(field) -%}md5(cast({{ field }} as string)){%- endmacro -%}
    {%- macro spark__last_day(date, datepart) -%}
    {%- if datepart == 'month' -%}
    last_day({{ date }})
    {%- else -%}
    {{ dbt.default_last_day(date, datepart) }}
    {%- endif -%}
    {%- endmacro -%}
    {%- macro spark__listagg(measure, delimiter_text, order_by_clause, limit_num) -%}
    {%- if limit_num -%}
    {{ exceptions.raise_compiler_error("`listagg` with `limit_num` is not supported on spark") }}
    {%- endif -%}
    listagg({{ measure }}, {{ delimiter_text }}){% if order_by_clause %} within group ({{ order_by_clause }}){% endif %}
    {%- endmacro -%}
    {%- macro spark__safe_cast(field, type) -%}try_cast({{ field }} as {{ type }}){%- endmacro -%}
    {%- macro spark__split_part(string_text, delimiter_text, part_number) -%}
    split_part({{ string_text }}, {{ delimiter_text }}, {{ part_number }})
    {%- endmacro -%}
    {%- macro spark__type_float() -%}double{%- endmacro -%}
    {%- macro spark__type_int() -%}int{%- endmacro -%}
    {%- macro spark__type_numeric() -%}decimal(28,6){%- endmacro -%}
    {%- macro spark__type_string() -%}string{%- endmacro -%}
    {%- macro spark__type_timestamp() -%}timestamp{%- endmacro -%}
    """#
}
