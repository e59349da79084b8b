with documents as (

    select * from {{ ref('int_documents_ranked') }}
    where year is not null

),

final as (

    select distinct cast(year as integer) as year from documents

)

select * from final
