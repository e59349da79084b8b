-- Year-over-year statements of every document read, with the subject code resolved from the
-- document's own subject tables, last year's figure (current − change) and whether the stated
-- percentage agrees with change / prior within rounding (flagged, never dropped).
with changes as (

    select * from {{ ref('stg_parsed__budget_changes') }}

),

subjects as (

    select distinct
        document_id,
        subject_code,
        replace(subject_name, ' ', '') as subject_name
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
        )) as subject_code,
        changes.current_wan - changes.change_wan as prior_wan
    from changes

),

final as (

    select
        *,
        case
            when change_pct is null or current_wan is null then null
            -- from nothing: a stated 100% (or 0%), or no change at all
            when prior_wan = 0 then change_pct in (0, 100) or change_wan = 0
            -- the one rule for stated percentages (macros/tolerance.sql); NULL: the prior year is
            -- within rounding of zero, and the amounts fix no percentage
            else coalesce(
                    abs(100 * change_wan / prior_wan - change_pct)
                    <= {{ stated_pct_tolerance('change_pct_decimals', 'current_wan', 'change_wan') }},
                    true
                )
        end as pct_consistent
    from resolved

)

select * from final
