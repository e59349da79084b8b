with documents as (

    select * from {{ ref('int_documents_ranked') }} where unit_name is not null

),

final as (

    select
        unit_key,
        any_value(unit_name order by year desc) as unit_name,
        any_value(doc_kind) as doc_kind
    from documents
    group by unit_key

)

select * from final
