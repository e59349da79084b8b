-- One row per amount of a labelled table (收支总表, 财政拨款收支总表, “三公” …).
with source as (

    select * from {{ source('parsed', 'line_items') }}

),

final as (

    select
        document_id,
        table_kind,
        table_number,
        row_seq,
        side,
        line_label,
        item_key,
        subject_code,
        measure,
        amount_wan,
        source_line,
        page,
        read_method,
        ocr_confidence
    from source

)

select * from final
