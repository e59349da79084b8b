-- One row per amount of a coded subject table (收入/支出/一般公共预算/基本支出/项目 …).
with source as (

    select * from {{ source('parsed', 'subject_amounts') }}

),

final as (

    select
        document_id,
        table_kind,
        table_number,
        row_seq,
        row_kind,
        subject_code,
        subject_name,
        project_name,
        measure,
        amount_wan,
        source_line,
        page,
        read_method,
        ocr_confidence
    from source

)

select * from final
