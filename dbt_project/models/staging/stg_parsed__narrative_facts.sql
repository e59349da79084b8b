-- One row per single fact the narrative states (机关运行经费, 政府采购, 资产, 绩效, 三公, staff).
with source as (

    select * from {{ source('parsed', 'narrative_facts') }}

),

final as (

    select
        document_id,
        fact_kind,
        fact_key,
        value,
        unit,
        text,
        source_line,
        page,
        read_method,
        ocr_confidence
    from source

)

select * from final
