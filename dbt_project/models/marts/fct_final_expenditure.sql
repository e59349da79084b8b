{{ incremental_by_document_config('final') }}
-- Final-accounts expenditure (部门决算) by functional subject: the 支出决算表 (fund_scope 'all':
-- 本年支出合计 = 基本 + 项目 + 上缴上级 + 经营 + 对附属单位补助) and the 一般公共预算财政拨款支出决算表
-- (fund_scope 'general_public_budget': 合计 = 基本 + 项目) and the 政府性基金 / 国有资本经营预算财政拨款
-- 收入支出决算表 (fund_scope 'government_fund' / 'state_capital': 年初结转和结余 + 本年收入 = 本年支出
-- + 年末结转和结余, 本年支出 = 基本 + 项目), with the same unit, year and subject keys as the budget
-- facts. The 支出决算表 rows carry the 收入决算表's income sources of the subject. Sum one fund_scope
-- at a time: 'all' holds the others.
with pivoted as (

    select * from {{ ref('int_final_subject_amounts_pivoted') }}
    where {{ document_filter() }} and row_kind = 'subject' and subject_code is not null

),

-- a subject printed twice (a continuation page repeating its row) counts once: its first row
expenditure as (

    select distinct on (document_id, table_kind, subject_code) *
    from pivoted
    where table_kind in ('expenditure', 'gpb_expenditure', 'government_fund', 'state_capital')
    order by document_id, table_kind, subject_code, row_seq

),

income as (

    select distinct on (document_id, subject_code) *
    from pivoted
    where table_kind = 'income'
    order by document_id, subject_code, row_seq

),

final as (

    select
        expenditure.unit_key,
        cast(expenditure.year as integer) as year,
        expenditure.subject_code,
        expenditure.subject_name,
        case expenditure.table_kind
            when 'expenditure' then 'all'
            when 'gpb_expenditure' then 'general_public_budget'
            else expenditure.table_kind
        end as fund_scope,
        cast(expenditure.total_wan as decimal(20, 6)) as total_wan,
        cast(expenditure.basic_wan as decimal(20, 6)) as basic_wan,
        cast(expenditure.project_wan as decimal(20, 6)) as project_wan,
        cast(expenditure.upper_remittance_wan as decimal(20, 6)) as payments_to_superior_wan,
        cast(expenditure.operating_expenditure_wan as decimal(20, 6)) as operating_expenditure_wan,
        cast(expenditure.affiliated_subsidy_wan as decimal(20, 6)) as subsidies_to_subordinates_wan,
        cast(income.total_wan as decimal(20, 6)) as income_total_wan,
        cast(income.fiscal_subtotal_wan as decimal(20, 6)) as fiscal_income_wan,
        cast(income.other_income_wan as decimal(20, 6)) as other_income_wan,
        cast(expenditure.opening_balance_wan as decimal(20, 6)) as opening_balance_wan,
        cast(expenditure.current_year_income_wan as decimal(20, 6)) as current_year_income_wan,
        cast(expenditure.closing_balance_wan as decimal(20, 6)) as closing_balance_wan,
        expenditure.document_id,
        expenditure.source_line,
        expenditure.page,
        {{ joined_provenance(['expenditure', 'income']) }}
    from expenditure
    left join income
        on expenditure.table_kind = 'expenditure'
            and expenditure.document_id = income.document_id
            and expenditure.subject_code = income.subject_code

)

select * from final
