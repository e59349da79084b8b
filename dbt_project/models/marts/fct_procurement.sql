{{ incremental_by_document_config('current') }}
-- 政府采购预算 as the narrative states it.
with facts as (

    select * from {{ ref('int_narrative_facts_current') }} where {{ document_filter() }} and fact_kind = 'procurement'

),

final as (

    select
        unit_key,
        cast(year as integer) as year,
        cast(max(case when fact_key = 'procurement_total' then value end) as decimal(20, 6)) as total_wan,
        cast(max(case when fact_key = 'procurement_goods' then value end) as decimal(20, 6)) as goods_wan,
        cast(max(case when fact_key = 'procurement_works' then value end) as decimal(20, 6)) as works_wan,
        cast(max(case when fact_key = 'procurement_services' then value end) as decimal(20, 6)) as services_wan,
        cast(max(case when fact_key = 'sme_reserved' then value end) as decimal(20, 6)) as sme_reserved_wan,
        cast(max(case when fact_key = 'small_micro_reserved' then value end) as decimal(20, 6)) as small_micro_reserved_wan,
        document_id,
        {{ first_source_place() }}
    from facts
    group by unit_key, year, document_id

)

select * from final
