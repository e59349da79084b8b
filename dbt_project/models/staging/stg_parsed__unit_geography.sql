with source as (

    select * from {{ source('parsed', 'unit_geography') }}

),

final as (

    select * from source

)

select * from final
