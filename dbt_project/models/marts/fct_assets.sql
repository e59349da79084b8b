{{ incremental_by_document_config('current') }}
-- 国有资产占用使用情况 as the narrative states it (as of the year-end before the budget year).
with facts as (

    select * from {{ ref('int_narrative_facts_current') }} where {{ document_filter() }} and fact_kind = 'assets'

),

pivoted as (

    select
        unit_key,
        year,
        document_id,
        max(case when fact_key = 'as_of_year' then value end) as as_of_year,
        max(case when fact_key = 'house_area_m2' then value end) as house_area_m2,
        max(case when fact_key = 'house_value' then value end) as house_value_wan,
        max(case when fact_key = 'vehicle_count' then value end) as vehicle_count,
        max(case when fact_key = 'vehicle_value' then value end) as vehicle_value_wan,
        max(case when fact_key = 'vehicle_general_count' then value end) as vehicle_general_count,
        max(case when fact_key = 'vehicle_general_value' then value end) as vehicle_general_value_wan,
        max(case when fact_key = 'vehicle_enforcement_count' then value end) as vehicle_enforcement_count,
        max(case when fact_key = 'vehicle_enforcement_value' then value end) as vehicle_enforcement_value_wan,
        max(case when fact_key = 'vehicle_other_count' then value end) as vehicle_other_count,
        max(case when fact_key = 'vehicle_other_value' then value end) as vehicle_other_value_wan,
        max(case when fact_key = 'furniture_value' then value end) as furniture_value_wan,
        max(case when fact_key = 'other_assets_value' then value end) as other_assets_value_wan,
        max(case when fact_key = 'equipment_over_50w_count' then value end) as equipment_over_50w_count,
        max(case when fact_key = 'equipment_over_100w_count' then value end) as equipment_over_100w_count,
        {{ first_source_place() }}
    from facts
    group by unit_key, year, document_id

),

final as (

    select
        unit_key,
        cast(year as integer) as year,
        cast(as_of_year as integer) as as_of_year,
        cast(house_area_m2 as decimal(20, 2)) as house_area_m2,
        cast(house_value_wan as decimal(20, 6)) as house_value_wan,
        cast(vehicle_count as integer) as vehicle_count,
        cast(vehicle_value_wan as decimal(20, 6)) as vehicle_value_wan,
        cast(vehicle_general_count as integer) as vehicle_general_count,
        cast(vehicle_general_value_wan as decimal(20, 6)) as vehicle_general_value_wan,
        cast(vehicle_enforcement_count as integer) as vehicle_enforcement_count,
        cast(vehicle_enforcement_value_wan as decimal(20, 6)) as vehicle_enforcement_value_wan,
        cast(vehicle_other_count as integer) as vehicle_other_count,
        cast(vehicle_other_value_wan as decimal(20, 6)) as vehicle_other_value_wan,
        cast(furniture_value_wan as decimal(20, 6)) as furniture_value_wan,
        cast(other_assets_value_wan as decimal(20, 6)) as other_assets_value_wan,
        cast(equipment_over_50w_count as integer) as equipment_over_50w_count,
        cast(equipment_over_100w_count as integer) as equipment_over_100w_count,
        document_id,
        source_line,
        page
    from pivoted

)

select * from final
