with source as (

    select * from {{ source('parsed', 'documents') }}

),

final as (

    select * from source

)

select * from final
