-- Budget execution per unit, year and functional subject of the 一般公共预算 (subject_code 'total'
-- for the whole): the actual from the final accounts' 一般公共预算财政拨款支出决算表, the budget from
-- the same year's budget disclosure where one is loaded (its 收入 table's 一般公共预算 column; the
-- 收支总表's 一般公共预算拨款 for the total), else as the 决算 narrative states it (年初预算, or 全年预算
-- where that is all it states); both budget figures side by side, and whether they agree.
with final_expenditure as (

    select * from {{ ref('fct_final_expenditure') }}
    where fund_scope = 'general_public_budget'

),

final_years as (

    select * from {{ ref('mart_final_unit_year') }}

),

statements as (

    select * from {{ ref('int_final_execution_statements') }}
    where subject_code is not null

),

appropriation as (

    select * from {{ ref('fct_appropriation') }}

),

budget_years as (

    select * from {{ ref('mart_unit_year') }}

),

actuals as (

    select
        unit_key,
        year,
        subject_code,
        subject_name,
        total_wan as final_wan,
        document_id
    from final_expenditure
    union all
    select
        unit_key,
        year,
        'total',
        '一般公共预算财政拨款支出合计',
        general_public_budget_final_wan,
        document_id
    from final_years

),

keys as (

    select
        unit_key,
        year,
        subject_code
    from actuals
    union
    select
        unit_key,
        year,
        subject_code
    from statements

),

disclosed as (

    select
        unit_key,
        year,
        subject_code,
        general_public_budget_wan as budget_wan
    from appropriation
    union all
    select
        unit_key,
        year,
        'total',
        general_public_budget_wan
    from budget_years

),

final as (

    select
        keys.unit_key,
        cast(keys.year as integer) as year,
        keys.subject_code,
        actuals.subject_name,
        cast(coalesce(disclosed.budget_wan, statements.stated_budget_wan) as decimal(20, 6)) as budget_wan,
        cast(coalesce(actuals.final_wan, statements.stated_final_wan) as decimal(20, 6)) as final_wan,
        cast(
            coalesce(actuals.final_wan, statements.stated_final_wan)
            / nullif(coalesce(disclosed.budget_wan, statements.stated_budget_wan), 0) as double
        ) as execution_rate,
        case when disclosed.budget_wan is not null then 'budget_disclosure' else 'final_narrative' end as budget_source,
        cast(disclosed.budget_wan as decimal(20, 6)) as disclosure_budget_wan,
        cast(statements.stated_budget_wan as decimal(20, 6)) as narrative_budget_wan,
        cast(statements.original_budget_wan as decimal(20, 6)) as narrative_original_budget_wan,
        cast(statements.adjusted_budget_wan as decimal(20, 6)) as narrative_adjusted_budget_wan,
        case
            when disclosed.budget_wan is not null and statements.stated_budget_wan is not null
                then abs(disclosed.budget_wan - statements.stated_budget_wan) <= 0.01
        end as is_budget_consistent,
        cast(statements.stated_final_wan as decimal(20, 6)) as narrative_final_wan,
        cast(statements.stated_completion_pct / 100 as double) as stated_execution_rate,
        statements.stated_comparison,
        statements.stated_reason,
        coalesce(actuals.document_id, statements.document_id) as document_id
    from keys
    left join actuals
        on keys.unit_key = actuals.unit_key and keys.year = actuals.year and keys.subject_code = actuals.subject_code
    left join statements
        on keys.unit_key = statements.unit_key and keys.year = statements.year and keys.subject_code = statements.subject_code
    left join disclosed
        on keys.unit_key = disclosed.unit_key and keys.year = disclosed.year and keys.subject_code = disclosed.subject_code

)

select * from final
