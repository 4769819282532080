extension BuiltinMacros {
  /// dbt's adapter macros callable as `x(...)` and `dbt.x(...)`, dispatched like the others.
  static let adapterEntryPoints: [(name: String, parameters: String)] = [
    ("alter_column_comment", "relation, column_dict"),
    ("alter_column_type", "relation, column_name, new_column_type"),
    ("alter_relation_add_remove_columns", "relation, add_columns=none, remove_columns=none"),
    ("alter_relation_comment", "relation, relation_comment"),
    ("create_schema", "relation"),
    ("create_table_as", "temporary, relation, compiled_code, language='sql'"),
    ("create_view_as", "relation, sql"),
    ("drop_relation", "relation"),
    ("drop_schema", "relation"),
    ("drop_schema_named", "schema_name"),
    ("get_columns_in_query", "select_sql"),
    ("get_columns_in_relation", "relation"),
    ("get_create_table_as_sql", "temporary, relation, sql"),
    ("get_create_view_as_sql", "relation, sql"),
    ("get_intervals_between", "start_date, end_date, datepart"),
    ("rename_relation", "from_relation, to_relation"),
    ("truncate_relation", "relation"),
  ]

  /// Their implementations, written for swdbt after what dbt-postgres runs. Statements run
  /// only when `execute` is true (the second render): in the first they do nothing, as dbt's
  /// do while parsing.
  static let adapterImplementations = #"""
    {%- macro run_query(sql) -%}{{ return(run_query(sql)) }}{%- endmacro -%}
    {#- The DDL of dbt's table and view materializations, as text a template may run. -#}
    {%- macro default__create_table_as(temporary, relation, compiled_code, language='sql') -%}
    create {% if temporary %}temporary {% endif %}table {{ relation }}
    as (
    {{ compiled_code }}
    );
    {%- endmacro -%}
    {%- macro default__get_create_table_as_sql(temporary, relation, sql) -%}
    {{ return(create_table_as(temporary, relation, sql)) }}
    {%- endmacro -%}
    {%- macro default__create_view_as(relation, sql) -%}
    create view {{ relation }} as (
    {{ sql }}
    );
    {%- endmacro -%}
    {%- macro default__get_create_view_as_sql(relation, sql) -%}
    {{ return(create_view_as(relation, sql)) }}
    {%- endmacro -%}
    {%- macro drop_relation_if_exists(relation) -%}
    {%- if relation is not none -%}{%- do adapter.drop_relation(relation) -%}{%- endif -%}
    {%- endmacro -%}
    {%- macro default__get_columns_in_relation(relation) -%}
    {{ return(adapter.get_columns_in_relation(relation)) }}
    {%- endmacro -%}
    {%- macro default__alter_column_type(relation, column_name, new_column_type) -%}
    {#- A new column of the new type takes the values, then the old one's place and name. -#}
    {%- set staged = column_name ~ '__dbt_alter' -%}
    {%- call statement('alter_column_type') -%}
    alter table {{ relation.render() }} add column {{ adapter.quote(staged) }} {{ new_column_type }};
    update {{ relation.render() }} set {{ adapter.quote(staged) }} = {{ adapter.quote(column_name) }};
    alter table {{ relation.render() }} drop column {{ adapter.quote(column_name) }} cascade;
    alter table {{ relation.render() }} rename column {{ adapter.quote(staged) }} to {{ adapter.quote(column_name) }}
    {%- endcall -%}
    {%- endmacro -%}
    {%- macro default__alter_relation_add_remove_columns(relation, add_columns, remove_columns) -%}
    {%- set added = add_columns or [] -%}
    {%- set removed = remove_columns or [] -%}
    {%- set changes = [] -%}
    {%- for column in added -%}{%- do changes.append('add column ' ~ column.quoted ~ ' ' ~ column.expanded_data_type) -%}{%- endfor -%}
    {%- for column in removed -%}{%- do changes.append('drop column ' ~ column.quoted) -%}{%- endfor -%}
    {%- if changes -%}
    {%- do run_query('alter ' ~ (relation.type or 'table') ~ ' ' ~ relation.render() ~ ' ' ~ changes | join(', ')) -%}
    {%- endif -%}
    {%- endmacro -%}
    {%- macro default__alter_relation_comment(relation, relation_comment) -%}
    {%- set kind = 'materialized view' if relation.type == 'materialized_view' else (relation.type or 'table') -%}
    comment on {{ kind }} {{ relation.render() }} is '{{ relation_comment | replace("'", "''") }}';
    {%- endmacro -%}
    {%- macro default__alter_column_comment(relation, column_dict) -%}
    {%- set existing = [] -%}
    {%- for column in adapter.get_columns_in_relation(relation) -%}{%- do existing.append(column.name) -%}{%- endfor -%}
    {%- for name in column_dict if name in existing -%}
    comment on column {{ relation.render() }}.{{ adapter.quote(name) if column_dict[name]['quote'] else name }} is '{{ (column_dict[name]['description'] or '') | replace("'", "''") }}';
    {% endfor -%}
    {%- endmacro -%}
    {%- macro default__get_intervals_between(start_date, end_date, datepart) -%}
    {#- Counted by the database at run time; 1 while parsing, as dbt gives. -#}
    {%- call statement('get_intervals_between', fetch_result=True) -%}
    select {{ dbt.datediff(start_date, end_date, datepart) }}
    {%- endcall -%}
    {%- set result = load_result('get_intervals_between') -%}
    {%- if result and result['data'] -%}{{ return(result['data'][0][0]) }}{%- endif -%}
    {{ return(1) }}
    {%- endmacro -%}
    {%- macro default__truncate_relation(relation) -%}
    {%- call statement('truncate_relation') -%}truncate table {{ relation.render() }}{%- endcall -%}
    {%- endmacro -%}
    {%- macro default__drop_relation(relation) -%}{%- do adapter.drop_relation(relation) -%}{%- endmacro -%}
    {%- macro default__rename_relation(from_relation, to_relation) -%}
    {%- do adapter.rename_relation(from_relation, to_relation) -%}
    {%- endmacro -%}
    {%- macro default__create_schema(relation) -%}{%- do adapter.create_schema(relation) -%}{%- endmacro -%}
    {%- macro default__drop_schema(relation) -%}{%- do adapter.drop_schema(relation) -%}{%- endmacro -%}
    {%- macro default__drop_schema_named(schema_name) -%}
    {%- do adapter.drop_schema(api.Relation.create(database=target.database, schema=schema_name)) -%}
    {%- endmacro -%}
    {%- macro default__get_columns_in_query(select_sql) -%}
    {%- call statement('get_columns_in_query', fetch_result=True) -%}
    select * from ({{ select_sql }}) as __dbt_sbq where false limit 0
    {%- endcall -%}
    {%- set result = load_result('get_columns_in_query') -%}
    {{ return(result.table.column_names if result else []) }}
    {%- endmacro -%}
    """#
}
