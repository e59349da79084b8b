-- Narrative facts of current documents.
with facts as (

    select * from {{ ref('stg_parsed__narrative_facts') }}

),

documents as (

    select * from {{ ref('int_documents_ranked') }} where is_current

),

final as (

    select
        documents.unit_key,
        documents.year,
        facts.*
    from facts
    inner join documents on facts.document_id = documents.document_id

)

select * from final
