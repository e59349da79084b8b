-- One row per unit name: its administrative division (cpca).
with source as (

    select * from {{ source('parsed', 'unit_geography') }}

),

final as (

    select
        unit_name,
        admin_code,
        level,
        region_name,
        prefecture_name,
        county_name,
        region_code,
        prefecture_code,
        unit_type,
        identity
    from source

)

select * from final
