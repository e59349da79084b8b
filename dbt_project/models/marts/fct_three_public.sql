{{ incremental_by_document_config('current') }}
-- “三公”经费 from its table (financial-appropriation totals), beside the narrative's figure.
with items as (

    select * from {{ ref('int_line_items_current') }}
    where {{ document_filter() }} and table_kind = 'three_public' and measure = 'total'

),

facts as (

    select * from {{ ref('int_narrative_facts_current') }}
    where {{ document_filter() }} and fact_kind = 'three_public'

),

from_table as (

    select
        unit_key,
        year,
        document_id,
        {{ pivot('item_key', var('three_public_items'), 'amount_wan') }},
        -- the 三公 rows, not the 行政经费 / 会议费 / 培训费 printed beside them
        {%- set items_of_three_public = "item_key in ('" ~ var('three_public_items').keys() | join("', '") ~ "')" %}
        {{ first_source_place(where=items_of_three_public) }},
        {{ read_provenance(where=items_of_three_public) }}
    from items
    group by unit_key, year, document_id

),

from_text as (

    select
        document_id,
        max(case when fact_key = 'total' then value end) as narrative_total_wan,
        {{ read_provenance(where="fact_key = 'total'") }}
    from facts
    group by document_id

),

final as (

    select
        from_table.unit_key,
        cast(from_table.year as integer) as year,
        cast(from_table.total_wan as decimal(20, 6)) as total_wan,
        cast(from_table.overseas_wan as decimal(20, 6)) as overseas_wan,
        cast(from_table.reception_wan as decimal(20, 6)) as reception_wan,
        cast(from_table.vehicle_purchase_wan as decimal(20, 6)) as vehicle_purchase_wan,
        cast(from_table.vehicle_operation_wan as decimal(20, 6)) as vehicle_operation_wan,
        cast(from_table.vehicle_total_wan as decimal(20, 6)) as vehicle_total_wan,
        cast(from_text.narrative_total_wan as decimal(20, 6)) as narrative_total_wan,
        from_table.document_id,
        from_table.source_line,
        from_table.page,
        {{ joined_provenance(['from_table', 'from_text']) }}
    from from_table
    left join from_text on from_table.document_id = from_text.document_id

)

select * from final
