-- One row per standard table found in a document, empty ones included, with its published unit
-- and how many decimals its figures print (the rounding allowance of the checks on it).
with source as (

    select * from {{ source('parsed', 'tables') }}

),

final as (

    select
        document_id,
        table_kind,
        table_number,
        ordinal,
        title,
        published_unit,
        discloser,
        row_count,
        is_empty,
        has_empty_statement,
        source_line,
        page,
        printed_decimals,
        read_method,
        ocr_confidence
    from source

)

select * from final
