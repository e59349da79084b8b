{# The rows of a staged relation that belong to current documents (the one document per unit,
   scope and year that feeds the marts), with the unit key and year added. #}
{% macro rows_of_current_documents(relation) -%}
    select
        documents.unit_key,
        documents.year,
        source_rows.*
    from {{ relation }} as source_rows
    inner join {{ ref('int_documents_ranked') }} as documents
        on source_rows.document_id = documents.document_id
    where documents.is_current
{%- endmacro %}

{# The same for the current final-accounts document (部门决算) of each unit, scope and year. #}
{% macro rows_of_current_final_documents(relation) -%}
    select
        documents.unit_key,
        documents.year,
        source_rows.*
    from {{ relation }} as source_rows
    inner join {{ ref('int_documents_ranked') }} as documents
        on source_rows.document_id = documents.document_id
    where documents.is_current_final
{%- endmacro %}
