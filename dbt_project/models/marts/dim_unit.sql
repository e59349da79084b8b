-- One row per unit and scope, with its place (GB/T 2260) and type. A unit whose place could
-- not be resolved keeps NULLs and is_place_resolved = false.
with documents as (

    select * from {{ ref('int_documents_ranked') }}
    where unit_name is not null

),

geography as (

    select * from {{ ref('stg_parsed__unit_geography') }}

),

units as (

    select
        unit_key,
        any_value(unit_name order by year desc, file_name desc) as unit_name,
        any_value(doc_kind) as doc_kind,
        string_agg(distinct unit_name, '；' order by unit_name) as name_variants
    from documents
    group by unit_key

),

final as (

    select
        units.unit_key,
        units.unit_name,
        units.doc_kind,
        geography.admin_code,
        geography.level,
        geography.region_code,
        geography.region_name,
        geography.prefecture_code,
        geography.prefecture_name,
        geography.county_name,
        geography.unit_type,
        geography.admin_code is not null as is_place_resolved,
        units.name_variants
    from units
    left join geography on units.unit_name = geography.unit_name

)

select * from final
