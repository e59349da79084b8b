with source as (

    select * from {{ source('parsed', 'budget_changes') }}

),

final as (

    select * from source

)

select * from final
