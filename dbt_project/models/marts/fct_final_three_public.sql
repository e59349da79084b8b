{{ incremental_by_document_config('final') }}
-- “三公”经费 per unit and year from the 财政拨款“三公”经费支出决算表: each item's 预算数 beside its
-- 决算数, with the narrative's statement of the two (完成预算的 X%, the change on last year, in
-- the whole and per item, and the reasons it gives).
with items as (

    select * from {{ ref('int_final_line_items_current') }}
    where {{ document_filter() }} and table_kind = 'three_public' and measure in ('budget', 'final')

),

facts as (

    select * from {{ ref('int_final_narrative_facts_current') }}
    where {{ document_filter() }} and fact_kind = 'final_three_public'

),

documents as (

    select * from {{ ref('int_documents_ranked') }}
    where {{ document_filter() }} and is_current_final

),

tables as (

    select
        document_id,
        bool_and(is_empty) as is_table_empty
    from {{ ref('stg_parsed__tables') }}
    where {{ document_filter() }} and table_kind = 'three_public'
    group by document_id

),

from_table as (

    select
        document_id,
        {%- for stage in ['budget', 'final'] %}
            {%- for key, column in var('three_public_items').items() %}
                max(case when measure = '{{ stage }}' and item_key = '{{ key }}' then amount_wan end) as {{ stage }}_{{ column }},
            {%- endfor %}
        {%- endfor %}
        {{ first_source_place() }},
        {{ read_provenance() }}
    from items
    group by document_id

),

from_text as (

    select
        document_id,
        {{ pivot('fact_key', var('narrative_facts')['final_three_public'], 'value') }},
        {{ read_provenance() }}
    from facts
    group by document_id

),

final as (

    select
        documents.unit_key,
        cast(documents.year as integer) as year,
        cast(from_table.budget_total_wan as decimal(20, 6)) as budget_total_wan,
        cast(from_table.final_total_wan as decimal(20, 6)) as final_total_wan,
        cast(from_table.budget_overseas_wan as decimal(20, 6)) as budget_overseas_wan,
        cast(from_table.final_overseas_wan as decimal(20, 6)) as final_overseas_wan,
        cast(from_table.budget_reception_wan as decimal(20, 6)) as budget_reception_wan,
        cast(from_table.final_reception_wan as decimal(20, 6)) as final_reception_wan,
        cast(from_table.budget_vehicle_purchase_wan as decimal(20, 6)) as budget_vehicle_purchase_wan,
        cast(from_table.final_vehicle_purchase_wan as decimal(20, 6)) as final_vehicle_purchase_wan,
        cast(from_table.budget_vehicle_operation_wan as decimal(20, 6)) as budget_vehicle_operation_wan,
        cast(from_table.final_vehicle_operation_wan as decimal(20, 6)) as final_vehicle_operation_wan,
        cast(from_table.budget_vehicle_total_wan as decimal(20, 6)) as budget_vehicle_total_wan,
        cast(from_table.final_vehicle_total_wan as decimal(20, 6)) as final_vehicle_total_wan,
        cast(from_text.budget_total_wan as decimal(20, 6)) as narrative_budget_total_wan,
        cast(from_text.final_total_wan as decimal(20, 6)) as narrative_final_total_wan,
        cast(from_text.completion_pct / 100 as double) as narrative_execution_rate,
        cast(from_text.change_wan as decimal(20, 6)) as narrative_change_wan,
        cast(from_text.final_total_wan - from_text.change_wan as decimal(20, 6)) as narrative_prior_final_wan,
        cast(from_text.overseas_change_wan as decimal(20, 6)) as narrative_overseas_change_wan,
        cast(from_text.vehicle_change_wan as decimal(20, 6)) as narrative_vehicle_change_wan,
        cast(from_text.reception_change_wan as decimal(20, 6)) as narrative_reception_change_wan,
        from_text.completion_reason as narrative_completion_reason,
        from_text.change_reason as narrative_change_reason,
        cast(from_text.vehicles_held as integer) as vehicles_held,
        tables.is_table_empty,
        documents.document_id,
        from_table.source_line,
        from_table.page,
        {{ joined_provenance(['from_table', 'from_text']) }}
    from documents
    left join from_table on documents.document_id = from_table.document_id
    left join from_text on documents.document_id = from_text.document_id
    left join tables on documents.document_id = tables.document_id
    where from_table.document_id is not null or from_text.document_id is not null or tables.document_id is not null

)

select * from final
