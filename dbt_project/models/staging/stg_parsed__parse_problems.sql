with source as (

    select * from {{ source('parsed', 'parse_problems') }}

),

final as (

    select * from source

)

select * from final
