{# The rows of a staged relation that belong to current documents, with the unit key and year
   added: the one document per unit, scope and year that feeds the marts of its phase (`budget`,
   or `final` for the final accounts, 部门决算). #}
{% macro rows_of_current_documents(relation, phase='budget') -%}
    select
        documents.unit_key,
        documents.year,
        source_rows.*
    from {{ relation }} as source_rows
    inner join {{ ref('int_documents_ranked') }} as documents
        on source_rows.document_id = documents.document_id
    where documents.{{ 'is_current_final' if phase == 'final' else 'is_current' }}
{%- endmacro %}
