{#- Family `cross_table`: tables that restate each other. The 基本支出 table's total = the
    一般公共预算 table's 基本, the 一般公共预算 项目支出 table = its 项目, the 收支总表's 类 = the
    支出总表's, and no total is 10,000 times another (元 printed where 万元 was meant). The
    allowance is the sum of each figure's own: its count × its table's half last digit. -#}

{% macro cross_table_checks() -%}
with table_totals as (

    select * from ({{ check_subject_table_totals() }}) as table_totals

),

table_rows as (

    select * from ({{ check_subject_table_rows() }}) as table_rows

),

project_table as (

    select * from ({{ check_project_table() }}) as project_table

),

summary as (

    select * from ({{ check_summary_totals() }}) as summary

),

summary_classes as (

    select * from ({{ check_line_figures() }}) as figures
    where table_kind = 'budget_summary' and side = 'expenditure' and measure = 'total'
        and subject_code is not null and amount_wan is not null

),

restatements as (

    select gpb.document_id, 'basic_table_equals_gpb_basic' as check_name, '基本支出' as subject,
        gpb.basic_wan as expected_wan, basic.total_wan as actual_wan,
        gpb.allowance_wan * gpb.basic_figures + basic.allowance_wan as tolerance_wan,
        {{ source_place('gpb.page', 'gpb.source_line') }} || ', ' || {{ source_place('basic.page', 'basic.source_line') }} as cells
    from table_totals as gpb
    inner join table_totals as basic on gpb.document_id = basic.document_id and basic.table_kind = 'basic_expenditure'
    where gpb.table_kind = 'gpb_expenditure' and gpb.states_basic

    union all

    select gpb.document_id, 'project_table_equals_gpb_project', '项目支出',
        gpb.project_wan, coalesce(project.stated_wan, project.projects_wan),
        -- the project table's printed total, or where it prints none the sum of its rows
        gpb.allowance_wan + project.allowance_wan * case when project.stated_wan is not null then 1 else project.project_rows end,
        {{ source_place('gpb.page', 'gpb.source_line') }} || ', ' || {{ source_place('project.page', 'project.source_line') }}
    from table_totals as gpb
    inner join project_table as project on gpb.document_id = project.document_id
    -- only a project table of 一般公共预算 restates the 一般公共预算 table's 项目 (others cover every fund)
    where gpb.table_kind = 'gpb_expenditure' and project.is_general_public_budget

    union all

    -- table 1's expenditure by 类 = the 支出总体情况表 类 rows
    select items.document_id, 'summary_class_equals_expenditure_table', items.subject_code,
        items.amount_wan, expenditure.total_wan, items.allowance_wan + expenditure.allowance_wan,
        {{ source_place('items.page', 'items.source_line') }} || ', ' || {{ source_place('expenditure.page', 'expenditure.source_line') }}
    from summary_classes as items
    inner join table_rows as expenditure
        on items.document_id = expenditure.document_id
        and expenditure.table_kind = 'expenditure'
        and expenditure.subject_code = items.subject_code

),

-- a figure off by a factor of 10,000 (元 printed where 万元 was meant, or the reverse): a
-- ratio, not a difference, so no 万元 allowance; a row is a finding
magnitude as (

    select summary.document_id, 'no_factor_10000_between_tables' as check_name, '收支总表 vs 支出总体情况表' as subject,
        summary.income_total_wan as expected_wan, expenditure.total_wan as actual_wan,
        cast(null as decimal(38, 16)) as tolerance_wan, {{ source_place('summary.page', 'summary.source_line') }} as cells
    from summary
    inner join table_totals as expenditure
        on summary.document_id = expenditure.document_id and expenditure.table_kind = 'expenditure'
    where summary.income_total_wan > 0 and expenditure.total_wan > 0
        and (summary.income_total_wan / expenditure.total_wan
                between {{ check_threshold('factor_10000_low') }} and {{ check_threshold('factor_10000_high') }}
            or expenditure.total_wan / summary.income_total_wan
                between {{ check_threshold('factor_10000_low') }} and {{ check_threshold('factor_10000_high') }})

)

select 'cross_table' as check_family, *, {{ figures_agree('expected_wan', 'actual_wan', 'tolerance_wan') }} as passed
from restatements

union all

select 'cross_table' as check_family, *, false as passed
from magnitude
{%- endmacro %}
