{{ incremental_by_document_config('current') }}
-- Functional-subject appropriations: 支出总体情况表 (total / basic / project) beside the
-- fund sources of 收入总体情况表, one row per unit, year and subject.
with pivoted as (

    select * from {{ ref('int_subject_amounts_pivoted') }}
    where {{ document_filter() }} and row_kind = 'subject'

),

expenditure as (

    select * from pivoted
    where table_kind = 'expenditure'

),

income as (

    select * from pivoted
    where table_kind = 'income'

),

final as (

    select
        coalesce(expenditure.unit_key, income.unit_key) as unit_key,
        cast(coalesce(expenditure.year, income.year) as integer) as year,
        coalesce(expenditure.subject_code, income.subject_code) as subject_code,
        coalesce(expenditure.subject_name, income.subject_name) as subject_name,
        cast(coalesce(expenditure.total_wan, income.total_wan) as decimal(20, 6)) as total_wan,
        cast(expenditure.basic_wan as decimal(20, 6)) as basic_wan,
        cast(expenditure.project_wan as decimal(20, 6)) as project_wan,
        cast(income.fiscal_subtotal_wan as decimal(20, 6)) as fiscal_subtotal_wan,
        cast(income.general_public_budget_wan as decimal(20, 6)) as general_public_budget_wan,
        cast(income.upper_transfer_wan as decimal(20, 6)) as upper_transfer_wan,
        cast(income.government_fund_wan as decimal(20, 6)) as government_fund_wan,
        cast(income.state_capital_wan as decimal(20, 6)) as state_capital_wan,
        cast(income.special_account_wan as decimal(20, 6)) as special_account_wan,
        cast(income.unit_funds_wan as decimal(20, 6)) as unit_funds_wan,
        cast(income.fiscal_carryover_wan as decimal(20, 6)) as fiscal_carryover_wan,
        cast(income.nonfiscal_carryover_wan as decimal(20, 6)) as nonfiscal_carryover_wan,
        coalesce(expenditure.document_id, income.document_id) as document_id,
        coalesce(expenditure.source_line, income.source_line) as source_line,
        case when expenditure.source_line is not null then expenditure.page else income.page end as page,
        {{ joined_provenance(['expenditure', 'income']) }}
    from expenditure
    full outer join income
        on expenditure.document_id = income.document_id
            and expenditure.subject_code = income.subject_code

)

select * from final
