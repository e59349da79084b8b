{{ incremental_by_document_config('current') }}
-- 预算绩效: number of performance targets and projects, and the amounts they cover.
with facts as (

    select * from {{ ref('int_narrative_facts_current') }} where {{ document_filter() }} and fact_kind = 'performance'

),

final as (

    select
        unit_key,
        cast(year as integer) as year,
        cast(max(case when fact_key = 'overall_target_count' then value end) as integer) as overall_target_count,
        cast(max(case when fact_key = 'overall_target_amount' then value end) as decimal(20, 6)) as overall_target_amount_wan,
        cast(max(case when fact_key = 'project_count' then value end) as integer) as project_count,
        cast(max(case when fact_key = 'fiscal_project_amount' then value end) as decimal(20, 6)) as fiscal_project_amount_wan,
        cast(max(case when fact_key = 'nonfiscal_project_amount' then value end) as decimal(20, 6)) as nonfiscal_project_amount_wan,
        document_id,
        {{ first_source_place() }}
    from facts
    group by unit_key, year, document_id

)

select * from final
