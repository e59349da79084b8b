-- One row per problem the parser noted in a document.
with source as (

    select * from {{ source('parsed', 'parse_problems') }}

),

final as (

    select
        document_id,
        problem
    from source

)

select * from final
