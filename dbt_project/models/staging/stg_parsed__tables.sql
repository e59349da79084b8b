with source as (

    select * from {{ source('parsed', 'tables') }}

),

final as (

    select * from source

)

select * from final
