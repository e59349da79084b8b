with source as (

    select * from {{ source('parsed', 'narrative_facts') }}

),

final as (

    select * from source

)

select * from final
