{{ incremental_by_document_config('current') }}
-- 国有资产占用使用情况 as the narrative states it (as of the year-end before the budget year).
with facts as (

    select * from {{ ref('int_narrative_facts_current') }}
    where {{ document_filter() }} and fact_kind = 'assets'

),

pivoted as (

    select
        unit_key,
        year,
        document_id,
        {{ pivot('fact_key', var('narrative_facts')['assets'], 'value') }},
        {{ first_source_place() }},
        {{ read_provenance() }}
    from facts
    group by unit_key, year, document_id

),

final as (

    select
        unit_key,
        cast(year as integer) as year,
        * exclude (unit_key, year, document_id, source_line, page, read_method, ocr_confidence),
        document_id,
        source_line,
        page,
        read_method,
        ocr_confidence
    from pivoted

)

select * from final
