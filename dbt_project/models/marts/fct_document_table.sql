{{ incremental_by_document_config('read') }}
-- Which standard tables each document carries; an empty table is present (is_empty), not missing.
with tables as (

    select * from {{ ref('stg_parsed__tables') }}
    where {{ document_filter() }}

),

documents as (

    select * from {{ ref('int_documents_ranked') }}

),

final as (

    select
        tables.document_id,
        documents.unit_key,
        cast(documents.year as integer) as year,
        tables.table_kind,
        tables.table_number,
        tables.ordinal,
        tables.title,
        tables.published_unit,
        tables.row_count,
        tables.is_empty,
        tables.has_empty_statement,
        tables.source_line,
        tables.page,
        tables.read_method,
        tables.ocr_confidence
    from tables
    inner join documents on tables.document_id = documents.document_id and not documents.status = 'duplicate'

)

select * from final
