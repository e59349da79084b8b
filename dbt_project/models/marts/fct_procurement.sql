{{ incremental_by_document_config('current') }}
-- 政府采购预算 as the narrative states it.
with facts as (

    select * from {{ ref('int_narrative_facts_current') }}
    where {{ document_filter() }} and fact_kind = 'procurement'

),

final as (

    select
        unit_key,
        cast(year as integer) as year,
        {{ pivot('fact_key', var('narrative_facts')['procurement'], 'value') }},
        document_id,
        {{ first_source_place() }},
        {{ read_provenance() }}
    from facts
    group by unit_key, year, document_id

)

select * from final
