-- Year-over-year statements: last year's figure = current − change; the stated percentage
-- is checked against change / prior (flagged, never dropped, when it disagrees beyond rounding).
with changes as (

    select * from {{ ref('stg_parsed__budget_changes') }}

),

documents as (

    select * from {{ ref('int_documents_ranked') }} where is_current

),

subjects as (

    select distinct document_id, subject_code, replace(subject_name, ' ', '') as subject_name
    from {{ ref('stg_parsed__subject_amounts') }}
    where table_kind in ('expenditure', 'gpb_expenditure', 'income') and length(subject_code) = 7

),

resolved as (

    select
        changes.*,
        coalesce(changes.stated_subject_code, (
            select min(subjects.subject_code)
            from subjects
            where subjects.document_id = changes.document_id
                and subjects.subject_name = replace(split_part(changes.subject_path, '/', 3), ' ', '')
        )) as subject_code
    from changes

),

final as (

    select
        documents.unit_key,
        cast(documents.year as integer) as year,
        resolved.statement_seq,
        resolved.section,
        resolved.item_kind,
        resolved.item_label,
        resolved.subject_code,
        cast(resolved.current_wan as decimal(20, 6)) as current_wan,
        cast(resolved.change_wan as decimal(20, 6)) as change_wan,
        cast(resolved.change_pct as decimal(20, 4)) as change_pct,
        cast(resolved.current_wan - resolved.change_wan as decimal(20, 6)) as prior_wan,
        resolved.prior_basis,
        case
            when resolved.change_pct is null or resolved.current_wan is null then null
            when resolved.current_wan - resolved.change_wan = 0
                then resolved.change_pct in (0, 100) or resolved.change_wan = 0
            else abs(
                100 * resolved.change_wan / (resolved.current_wan - resolved.change_wan) - resolved.change_pct
            ) <= 0.006 + 100 * (0.005 * abs(resolved.current_wan - resolved.change_wan) + 0.01 * abs(resolved.change_wan))
                / ((resolved.current_wan - resolved.change_wan) * (resolved.current_wan - resolved.change_wan))
        end as pct_consistent,
        resolved.sentence,
        resolved.document_id,
        resolved.source_line
    from resolved
    inner join documents on resolved.document_id = documents.document_id

)

select * from final
