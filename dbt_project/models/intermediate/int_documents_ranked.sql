-- Every read document with its unit key; per unit, scope, year and phase the document that reads
-- most completely wins, and of those the newest file (is_current: the budget document the budget
-- marts read; is_current_final: the final accounts). A later copy that reads worse (pages rotated,
-- a damaged re-upload: tables missing, or under 90% of the table rows with figures another copy
-- reads) never replaces one that reads completely.
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

tables as (

    select * from {{ ref('stg_parsed__tables') }}

),

rows_read as (

    select
        document_id,
        sum(row_count) as rows_read
    from tables
    group by document_id

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
        coalesce(rows_read.rows_read, 0) as rows_read,
        -- one unit per place, type and scope, whatever prefix its name carries in a given year
        {{ unit_key('coalesce(geography.identity, checked.unit_name)', 'checked.doc_kind') }} as unit_key,
        checked.status in ('loaded', 'partial') and checked.unit_name is not null and checked.year is not null as is_loadable,
        -- a final-accounts document (部门决算) feeds the final-accounts facts, never the budget ones
        checked.status = 'final_accounts' and checked.phase = 'final'
        and checked.unit_name is not null and checked.year is not null as is_loadable_final
    from checked
    left join geography on checked.unit_name = geography.unit_name
    left join rows_read on checked.document_id = rows_read.document_id

),

measured as (

    -- whether the document reads (almost) as many table rows as the unit-year's fullest copy
    select
        *,
        rows_read >= 0.9 * max(rows_read) over (
            partition by unit_key, year, is_loadable, content = 'narrative'
        ) as reads_most_rows
    from keyed

),

ranked as (

    -- the newest file per unit, scope and year; a disclosure published as two files (its tables
    -- in one, its narrative in the other) ranks its narrative-only part on its own
    select
        *,
        case when is_loadable then row_number() over unit_year end as recency_rank,
        case when is_loadable then first_value(file_name) over unit_year end as current_file_name,
        case when is_loadable then count(*) over (partition by unit_key, year, is_loadable) end as documents_for_unit_year,
        -- supersession within the final phase: the newest final-accounts file per unit, scope and year
        case when is_loadable_final then row_number() over (
                    partition by unit_key, year, is_loadable_final
                    order by file_name desc, size_bytes desc
                )
        end as final_recency_rank
    from measured
    window unit_year as (
        partition by unit_key, year, is_loadable, content = 'narrative'
        order by
            status = 'loaded' desc, coalesce(tables_found, 0) desc, reads_most_rows desc, file_name desc, size_bytes desc
    )

),

narrated as (

    -- whether the unit-year's current tables document carries its own narrative
    select
        *,
        coalesce(bool_or(recency_rank = 1 and content = 'tables+narrative') over (partition by unit_key, year, is_loadable), false)
            as has_narrated_tables
    from ranked

),

final as (

    select
        * exclude (has_narrated_tables),
        coalesce(recency_rank = 1 and not (content = 'narrative' and has_narrated_tables), false) as is_current,
        coalesce(final_recency_rank = 1, false) as is_current_final,
        coalesce(content <> 'narrative', false) as has_tables
    from narrated

)

select * from final
