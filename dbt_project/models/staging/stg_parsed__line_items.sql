with source as (

    select * from {{ source('parsed', 'line_items') }}

),

final as (

    select * from source

)

select * from final
