-- One row per unit and final-accounts year (部门决算): the mart_unit_year of the final phase.
-- Income, expenditure and balances from the 收入支出决算总表; basic / project (and the other
-- purposes) from the 支出决算表's 合计; personnel / public from the 一般公共预算财政拨款基本支出决算表's
-- 人员经费合计 / 公用经费合计; 三公 budget and actual from its 决算表; the narrative's 一般公共预算
-- budget against the actual, 机关运行经费, 政府采购 and 绩效 statements.
with documents as (

    select * from {{ ref('int_documents_ranked') }}
    where is_current_final

),

units as (

    select * from {{ ref('dim_unit') }}

),

lines as (

    select * from {{ ref('int_final_line_items_current') }}
    where measure = 'total'

),

totals as (

    select * from {{ ref('int_final_subject_amounts_pivoted') }}
    where row_kind = 'total'

),

three_public as (

    select * from {{ ref('fct_final_three_public') }}

),

execution as (

    select * from {{ ref('int_final_execution_statements') }}
    where subject_code = 'total'

),

facts as (

    select * from {{ ref('int_final_narrative_facts_current') }}

),

-- each line of the 收入支出决算总表 (and the 财政拨款 one), the first time it is printed
summary as (

    select
        document_id,
        {%- for key, column in var('final_summary_lines').items() %}
            arg_min(amount_wan, row_seq) filter (
                where table_kind = 'budget_summary' and item_key = '{{ key }}'
            ) as {{ column }},
        {%- endfor %}
        arg_min(amount_wan, row_seq) filter (
            where table_kind = 'fiscal_summary' and item_key = 'current_year_income'
        ) as fiscal_income_wan,
        arg_min(amount_wan, row_seq) filter (
            where table_kind = 'fiscal_summary' and item_key = 'current_year_expenditure'
        ) as fiscal_expenditure_wan,
        arg_min(amount_wan, row_seq) filter (
            where table_kind = 'fiscal_summary' and item_key = 'opening_balance'
        ) as fiscal_opening_balance_wan,
        arg_min(amount_wan, row_seq) filter (
            where table_kind = 'fiscal_summary' and item_key = 'closing_balance'
        ) as fiscal_closing_balance_wan
    from lines
    group by document_id

),

-- the 合计 rows of the subject tables (a continuation page may print the 合计 again: the first)
table_totals as (

    select
        document_id,
        arg_min(total_wan, row_seq) filter (where table_kind = 'expenditure') as expenditure_table_total_wan,
        arg_min(basic_wan, row_seq) filter (where table_kind = 'expenditure') as basic_wan,
        arg_min(project_wan, row_seq) filter (where table_kind = 'expenditure') as project_wan,
        arg_min(upper_remittance_wan, row_seq) filter (where table_kind = 'expenditure') as payments_to_superior_wan,
        arg_min(operating_expenditure_wan, row_seq) filter (where table_kind = 'expenditure') as operating_expenditure_wan,
        arg_min(affiliated_subsidy_wan, row_seq) filter (where table_kind = 'expenditure') as subsidies_to_subordinates_wan,
        arg_min(total_wan, row_seq) filter (where table_kind = 'income') as income_table_total_wan,
        arg_min(total_wan, row_seq) filter (where table_kind = 'gpb_expenditure') as general_public_budget_final_wan,
        arg_min(basic_wan, row_seq) filter (where table_kind = 'gpb_expenditure') as general_public_budget_basic_wan,
        arg_min(personnel_wan, row_seq) filter (
            where table_kind = 'basic_expenditure' and personnel_wan is not null
        ) as personnel_wan,
        arg_min(public_wan, row_seq) filter (where table_kind = 'basic_expenditure' and public_wan is not null) as public_wan
    from totals
    group by document_id

),

stated as (

    select
        document_id,
        {{ pivot('fact_key', var('narrative_facts')['final_operating_funds'], 'value') }},
        {{ pivot('fact_key', var('narrative_facts')['final_procurement'], 'value') }},
        {{ pivot('fact_key', var('narrative_facts')['final_performance'], 'value') }},
        {{ pivot('fact_key', var('narrative_facts')['final_assets'], 'value') }}
    from facts
    where fact_kind in ('final_operating_funds', 'final_procurement', 'final_performance', 'final_assets')
    group by document_id

),

joined as (

    select
        documents.unit_key,
        units.unit_name,
        cast(documents.year as integer) as year,
        cast(summary.current_year_income_wan as decimal(20, 6)) as current_year_income_wan,
        cast(summary.current_year_expenditure_wan as decimal(20, 6)) as current_year_expenditure_wan,
        cast(summary.opening_balance_wan as decimal(20, 6)) as opening_balance_wan,
        cast(summary.closing_balance_wan as decimal(20, 6)) as closing_balance_wan,
        cast(summary.nonfiscal_balance_used_wan as decimal(20, 6)) as nonfiscal_balance_used_wan,
        cast(summary.balance_distributed_wan as decimal(20, 6)) as balance_distributed_wan,
        cast(summary.income_total_wan as decimal(20, 6)) as income_total_wan,
        cast(summary.expenditure_total_wan as decimal(20, 6)) as expenditure_total_wan,
        cast(summary.fiscal_income_wan as decimal(20, 6)) as fiscal_income_wan,
        cast(summary.fiscal_expenditure_wan as decimal(20, 6)) as fiscal_expenditure_wan,
        cast(summary.fiscal_opening_balance_wan as decimal(20, 6)) as fiscal_opening_balance_wan,
        cast(summary.fiscal_closing_balance_wan as decimal(20, 6)) as fiscal_closing_balance_wan,
        cast(table_totals.basic_wan as decimal(20, 6)) as basic_wan,
        cast(table_totals.project_wan as decimal(20, 6)) as project_wan,
        cast(table_totals.payments_to_superior_wan as decimal(20, 6)) as payments_to_superior_wan,
        cast(table_totals.operating_expenditure_wan as decimal(20, 6)) as operating_expenditure_wan,
        cast(table_totals.subsidies_to_subordinates_wan as decimal(20, 6)) as subsidies_to_subordinates_wan,
        cast(table_totals.general_public_budget_final_wan as decimal(20, 6)) as general_public_budget_final_wan,
        cast(table_totals.personnel_wan as decimal(20, 6)) as personnel_wan,
        cast(table_totals.public_wan as decimal(20, 6)) as public_wan,
        cast(three_public.budget_total_wan as decimal(20, 6)) as three_public_budget_wan,
        cast(three_public.final_total_wan as decimal(20, 6)) as three_public_final_wan,
        cast(execution.stated_budget_wan as decimal(20, 6)) as general_public_budget_budget_wan,
        cast(
            table_totals.general_public_budget_final_wan / nullif(execution.stated_budget_wan, 0) as double
        ) as general_public_budget_execution_rate,
        cast(stated.operating_funds_final_wan as decimal(20, 6)) as operating_funds_final_wan,
        cast(stated.procurement_total_wan as decimal(20, 6)) as procurement_total_wan,
        cast(stated.procurement_goods_wan as decimal(20, 6)) as procurement_goods_wan,
        cast(stated.procurement_works_wan as decimal(20, 6)) as procurement_works_wan,
        cast(stated.procurement_services_wan as decimal(20, 6)) as procurement_services_wan,
        cast(stated.sme_awarded_wan as decimal(20, 6)) as sme_awarded_wan,
        cast(stated.small_micro_awarded_wan as decimal(20, 6)) as small_micro_awarded_wan,
        cast(stated.other_sme_awarded_wan as decimal(20, 6)) as other_sme_awarded_wan,
        cast(stated.sme_reserved_wan as decimal(20, 6)) as sme_reserved_wan,
        cast(stated.small_micro_reserved_wan as decimal(20, 6)) as small_micro_reserved_wan,
        cast(stated.performance_evaluated_projects as integer) as performance_evaluated_projects,
        cast(stated.performance_evaluated_amount_wan as decimal(20, 6)) as performance_evaluated_amount_wan,
        cast(stated.performance_average_points as decimal(20, 2)) as performance_average_points,
        cast(stated.vehicle_count as integer) as vehicle_count,
        cast(stated.equipment_over_100w_count as integer) as equipment_over_100w_count,
        documents.document_id,
        cast(documents.pages_ocr as integer) as pages_ocr
    from documents
    left join units on documents.unit_key = units.unit_key
    left join summary on documents.document_id = summary.document_id
    left join table_totals on documents.document_id = table_totals.document_id
    left join three_public on documents.document_id = three_public.document_id
    left join execution on documents.document_id = execution.document_id
    left join stated on documents.document_id = stated.document_id

),

-- 年初结转和结余 of year Y = 年末结转和结余 of year Y − 1, where both years are loaded (within half a
-- cent of a 万元: a year printed in 万元 beside one printed in 元)
final as (

    select
        joined.*,
        previous_year.closing_balance_wan as prior_closing_balance_wan,
        case
            when previous_year.unit_key is not null
                then abs(coalesce(joined.opening_balance_wan, 0) - coalesce(previous_year.closing_balance_wan, 0)) <= 0.005
        end as is_opening_balance_continuous,
        previous_year.fiscal_closing_balance_wan as prior_fiscal_closing_balance_wan,
        case
            when previous_year.unit_key is not null
                then abs(
                        coalesce(joined.fiscal_opening_balance_wan, 0) - coalesce(previous_year.fiscal_closing_balance_wan, 0)
                    ) <= 0.005
        end as is_fiscal_opening_balance_continuous
    from joined
    left join joined as previous_year on joined.unit_key = previous_year.unit_key and previous_year.year = joined.year - 1

)

select * from final
