{#- One column per key: `max(case when <key_column> = '<key>' then <value> end) as <column>`.

    mapping: key → column, or key → [column, type] to cast the column, or key → [column, type,
    value column] for a key whose value is in another column (a narrative fact that is a text:
    [completion_reason, varchar, text]) (the project's vocabulary in dbt_project.yml vars:
    subject_measures, three_public_items, narrative_facts.<kind>). Keys a document does not state
    come out NULL. -#}

{% macro pivot(key_column, mapping, value) -%}
    {%- for key, target in mapping.items() %}
        {%- set column = target[0] if target is not string else target %}
        {%- set source = target[2] if target is not string and target | length > 2 else value %}
        {%- set expression = "max(case when " ~ key_column ~ " = '" ~ key ~ "' then " ~ source ~ " end)" %}
        {%- if target is not string %}cast({{ expression }} as {{ target[1] }}){% else %}{{ expression }}{% endif %} as {{ column }}
        {%- if not loop.last %},
        {% endif %}
    {%- endfor %}
{%- endmacro %}
