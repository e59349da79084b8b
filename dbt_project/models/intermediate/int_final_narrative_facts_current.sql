-- Narrative facts of current final accounts (决算 情况说明).
with final as (

    {{ rows_of_current_documents(ref('stg_parsed__narrative_facts'), phase='final') }}

)

select * from final
