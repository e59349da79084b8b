-- Every read document with its unit key; per unit, scope and year the newest file wins
-- (file names sort by date in every publisher's convention we know; ties: larger file).
with documents as (

    select * from {{ ref('stg_parsed__documents') }}

),

geography as (

    select * from {{ ref('stg_parsed__unit_geography') }}

),

invariant_breaks as (

    select * from {{ ref('int_document_invariant_breaks') }}

),

checked as (

    select
        documents.* replace (
            case when invariant_breaks.document_id is not null then 'rejected' else documents.status end as status,
            case
                when invariant_breaks.document_id is not null
                    then 'kept out of the facts: breaks invariant ' || invariant_breaks.invariant || ' — ' || invariant_breaks.detail
                        || '; fix the table in the source file or report it as a parser defect'
                else documents.reason
            end as reason
        )
    from documents
    left join invariant_breaks on documents.document_id = invariant_breaks.document_id

),

keyed as (

    select
        checked.*,
        -- one unit per place, type and scope, whatever prefix its name carries in a given year
        {{ unit_key('coalesce(geography.identity, checked.unit_name)', 'checked.doc_kind') }} as unit_key,
        checked.status in ('loaded', 'partial') and checked.unit_name is not null and checked.year is not null as is_loadable
    from checked
    left join geography on checked.unit_name = geography.unit_name

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
