{% macro relation_label(relation) -%}
  '{{ relation.schema }}.{{ relation.identifier }}'
{%- endmacro %}
