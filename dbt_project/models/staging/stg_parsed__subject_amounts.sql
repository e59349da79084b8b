with source as (

    select * from {{ source('parsed', 'subject_amounts') }}

),

final as (

    select * from source

)

select * from final
