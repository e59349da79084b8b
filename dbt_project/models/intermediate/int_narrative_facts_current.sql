-- Narrative facts of current documents.
with final as (

    {{ rows_of_current_documents(ref('stg_parsed__narrative_facts')) }}

)

select * from final
