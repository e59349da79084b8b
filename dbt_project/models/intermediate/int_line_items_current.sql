-- Labelled-line table items of current documents, one amount per row.
with items as (

    select * from {{ ref('stg_parsed__line_items') }}

),

documents as (

    select * from {{ ref('int_documents_ranked') }} where is_current

),

final as (

    select
        documents.unit_key,
        documents.year,
        items.*
    from items
    inner join documents on items.document_id = documents.document_id

)

select * from final
