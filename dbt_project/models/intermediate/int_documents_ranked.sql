-- Every read document with its unit key; per unit, scope and year the newest file wins
-- (file names sort by date in every publisher's convention we know; ties: larger file).
with documents as (

    select * from {{ ref('stg_parsed__documents') }}

),

geography as (

    select * from {{ ref('stg_parsed__unit_geography') }}

),

keyed as (

    select
        documents.*,
        -- one unit per place, type and scope, whatever prefix its name carries in a given year
        {{ unit_key('coalesce(geography.identity, documents.unit_name)', 'documents.doc_kind') }} as unit_key,
        documents.status in ('loaded', 'partial') and documents.unit_name is not null and documents.year is not null as is_loadable
    from documents
    left join geography on documents.unit_name = geography.unit_name

),

ranked as (

    select
        *,
        case when is_loadable then row_number() over (
            partition by unit_key, year, is_loadable
            order by file_name desc, size_bytes desc
        ) end as recency_rank,
        case when is_loadable then count(*) over (partition by unit_key, year, is_loadable) end as documents_for_unit_year
    from keyed

),

final as (

    select
        *,
        coalesce(recency_rank = 1, false) as is_current
    from ranked

)

select * from final
