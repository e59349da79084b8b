{#- Where a figure was printed: the page (PDF) and the row on it, or the line (text layouts).
    Facts carry both columns; a fact aggregated from several rows keeps its first place. -#}

{% macro first_source_place(prefix='', where=none) -%}
    {%- set only = ' filter (where ' ~ where ~ ')' if where else '' -%}
    arg_min({{ prefix }}page, [coalesce({{ prefix }}page, 0), {{ prefix }}source_line]){{ only }} as page,
    arg_min({{ prefix }}source_line, [coalesce({{ prefix }}page, 0), {{ prefix }}source_line]){{ only }} as source_line
{%- endmacro %}

{#- the last place (a table's total row printed after its subjects) -#}
{% macro last_source_place(prefix='') -%}
    arg_max({{ prefix }}page, [coalesce({{ prefix }}page, 0), {{ prefix }}source_line]) as page,
    arg_max({{ prefix }}source_line, [coalesce({{ prefix }}page, 0), {{ prefix }}source_line]) as source_line
{%- endmacro %}

{#- 'page 3 row 12' for a PDF, 'line 45' for a text layout: how dq_check_result names a cell. -#}
{% macro source_place(page, line) -%}
    coalesce('page ' || cast({{ page }} as varchar) || ' row ' || cast({{ line }} as varchar), 'line ' || cast({{ line }} as varchar))
{%- endmacro %}

{#- How a row aggregated from several figures was read: 'ocr' when any of them came from a page read
    by OCR, with the lowest OCR confidence among them; else 'text'. -#}
{% macro read_provenance(prefix='', where=none) -%}
    {%- set only = ' filter (where ' ~ where ~ ')' if where else '' -%}
    case when bool_or({{ prefix }}read_method = 'ocr'){{ only }} then 'ocr' else 'text' end as read_method,
    min({{ prefix }}ocr_confidence){{ only }} as ocr_confidence
{%- endmacro %}

{#- The same for a row joined from parts that each carry read_method and ocr_confidence (NULL where
    the part is missing). -#}
{% macro joined_provenance(parts) -%}
    case when 'ocr' in ({{ parts | join('.read_method, ') }}.read_method) then 'ocr' else 'text' end as read_method,
    least({{ parts | join('.ocr_confidence, ') }}.ocr_confidence) as ocr_confidence
{%- endmacro %}
