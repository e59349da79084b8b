-- One row per item a final-accounts narrative states the budget against the actual for
-- (“年初预算为 X 万元，支出决算为 Y 万元，完成年初预算的 Z%。决算数小于预算数的主要原因：…”): the 一般公共预算
-- total (subject_code 'total') or a subject named by its path (类/款/项), coded from the
-- document's own 一般公共预算财政拨款支出决算表 (else its 支出决算表) where the names match.
with facts as (

    select * from {{ ref('int_final_narrative_facts_current') }}
    where fact_kind = 'execution'

),

subjects as (

    select * from {{ ref('int_final_subject_amounts_pivoted') }}
    where row_kind = 'subject' and table_kind in ('gpb_expenditure', 'expenditure')

),

statements as (

    select
        document_id,
        unit_key,
        year,
        split_part(fact_key, '|', 1) as item_path,
        max(case when split_part(fact_key, '|', 2) = 'budget' then value end) as stated_budget_wan,
        max(case when split_part(fact_key, '|', 2) = 'original_budget' then value end) as original_budget_wan,
        max(case when split_part(fact_key, '|', 2) = 'adjusted_budget' then value end) as adjusted_budget_wan,
        max(case when split_part(fact_key, '|', 2) = 'final' then value end) as stated_final_wan,
        max(case when split_part(fact_key, '|', 2) = 'completion_pct' then value end) as stated_completion_pct,
        max(case when split_part(fact_key, '|', 2) = 'comparison' then value end) as stated_comparison,
        max(case when split_part(fact_key, '|', 2) = 'reason' then text end) as stated_reason,
        {{ first_source_place() }}
    from facts
    group by document_id, unit_key, year, split_part(fact_key, '|', 1)

),

-- every subject with the names of its 类, 款 and 项 as the table prints them
named as (

    select distinct on (items.document_id, items.subject_code)
        items.document_id,
        items.subject_code,
        classes.subject_name as class_name,
        sections.subject_name as section_name,
        items.subject_name as item_name,
        concat_ws('/', classes.subject_name, sections.subject_name, items.subject_name) as path
    from subjects as items
    left join subjects as sections
        on items.document_id = sections.document_id and items.table_kind = sections.table_kind
            and sections.subject_code = left(items.subject_code, 5) and length(items.subject_code) = 7
    left join subjects as classes
        on items.document_id = classes.document_id and items.table_kind = classes.table_kind
            and classes.subject_code = left(items.subject_code, 3) and length(items.subject_code) > 3
    order by items.document_id, items.subject_code, items.table_kind = 'gpb_expenditure' desc

),

-- the subject an item names: its whole path; else its 类 and 项 where only one subject of the
-- document has them (a 款 misnamed in the text); else, for an item named 其他…, the 99 项 of the
-- 类 and 款 it names (the text keeps an older name of the catch-all subject)
matched as (

    select
        statements.document_id,
        statements.item_path,
        coalesce(
            any_value(named.subject_code) filter (where named.path = statements.item_path),
            case when count(distinct named.subject_code) filter (
                        where named.class_name = split_part(statements.item_path, '/', 1)
                        and named.item_name = split_part(statements.item_path, '/', 3)
                    ) = 1
                    then any_value(named.subject_code) filter (
                            where named.class_name = split_part(statements.item_path, '/', 1)
                            and named.item_name = split_part(statements.item_path, '/', 3)
                        )
            end,
            any_value(named.subject_code) filter (
                where split_part(statements.item_path, '/', 3) like '其他%'
                and named.class_name = split_part(statements.item_path, '/', 1)
                and named.section_name = split_part(statements.item_path, '/', 2)
                and right(named.subject_code, 2) = '99' and length(named.subject_code) = 7
            )
        ) as subject_code
    from statements
    left join named on statements.document_id = named.document_id
    group by statements.document_id, statements.item_path

),

final as (

    select
        statements.document_id,
        statements.unit_key,
        statements.year,
        statements.item_path,
        case when statements.item_path = 'total' then 'total' else matched.subject_code end as subject_code,
        statements.stated_budget_wan,
        statements.original_budget_wan,
        statements.adjusted_budget_wan,
        statements.stated_final_wan,
        statements.stated_completion_pct,
        case statements.stated_comparison when 1 then '大于' when -1 then '小于' when 0 then '持平' end as stated_comparison,
        statements.stated_reason,
        statements.page,
        statements.source_line
    from statements
    left join matched
        on statements.document_id = matched.document_id and statements.item_path = matched.item_path

)

select * from final
