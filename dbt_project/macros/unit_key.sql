{# One key per unit and scope: a 部门 and a 单位 budget of the same name are different units. #}
{% macro unit_key(unit_name, doc_kind) -%}
    substr(md5(coalesce({{ unit_name }}, '') || '|' || coalesce({{ doc_kind }}, '')), 1, 16)
{%- endmacro %}
