-- One row per raw file: what it is and how it read.
with source as (

    select * from {{ source('parsed', 'documents') }}

),

final as (

    select
        document_id,
        file_name,
        sha256,
        size_bytes,
        layout,
        unit_name,
        doc_kind,
        phase,
        content,
        year,
        status,
        reason,
        tables_found,
        tables_missing,
        page_count,
        pages_ocr,
        parse_seconds
    from source

)

select * from final
