{#- Family `text`: what the document says rather than sums. An empty table carries its 空表
    statement, every table names the document's discloser, and a subject code carries one name
    throughout the document. No figures: the _wan columns are NULL. -#}

{% macro text_checks() -%}
with tables as (

    select * from {{ ref('stg_parsed__tables') }} where {{ document_filter() }}

),

amounts as (

    select * from {{ ref('stg_parsed__subject_amounts') }} where {{ document_filter() }}

),

documents as (

    select * from {{ ref('int_documents_ranked') }} where {{ document_filter() }} and status <> 'duplicate'

),

presence as (

    select tables.document_id, 'empty_table_has_statement' as check_name, tables.table_kind as subject,
        {{ source_place('tables.page', 'tables.source_line') }} as cells,
        tables.has_empty_statement as passed
    from tables
    where tables.is_empty

    union all

    select tables.document_id, 'discloser_matches_unit', tables.table_kind,
        coalesce(tables.discloser, '') || ' / ' || coalesce(documents.unit_name, ''),
        replace(tables.discloser, ' ', '') = replace(documents.unit_name, ' ', '')
    from tables
    inner join documents on tables.document_id = documents.document_id
    where tables.discloser is not null

),

-- a subject code carries one name throughout the document (a code/name mismatch is flagged)
code_names as (

    select
        document_id,
        'subject_name_consistent' as check_name,
        subject_code || ' ' || string_agg(distinct replace(subject_name, ' ', ''), ' ≠ ' order by replace(subject_name, ' ', '')) as subject,
        string_agg(distinct table_kind, ', ' order by table_kind) as cells,
        count(distinct replace(subject_name, ' ', '')) = 1 as passed
    from amounts
    where subject_code is not null and subject_name is not null and subject_name <> '' and row_kind = 'subject'
    group by document_id, subject_code

)

select 'text' as check_family, * from presence
union all
select 'text' as check_family, * from code_names
{%- endmacro %}
