-- Every read document with its unit key; per unit, scope and year the newest file wins
-- (file names sort by date in every publisher's convention we know; ties: larger file).
with documents as (

    select * from {{ ref('stg_parsed__documents') }}

),

keyed as (

    select
        *,
        {{ unit_key('unit_name', 'doc_kind') }} as unit_key,
        status in ('loaded', 'partial') and unit_name is not null and year is not null as is_loadable
    from documents

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
