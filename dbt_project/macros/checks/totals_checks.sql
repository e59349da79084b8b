{#- Family `totals`: a table's own sums. Each 类 = Σ its 款 and each 款 = Σ its 项 (hierarchy_*),
    总计 = Σ 类 (total_row_*), 合计 = 基本 + 项目 and 合计 = 人员 + 公用 on every row, the 项目
    table's total = Σ its projects, 收入总计 = 支出总计, the “三公” items = their total, and the two
    vehicle parts = 公务用车购置及运行维护费. All figures of a check come from one table: the
    allowance is the number of printed figures × that table's half last digit. -#}

{% macro totals_checks() -%}
with subject_figures as (

    select * from ({{ check_subject_figures() }}) as figures
    where table_kind in ('income', 'expenditure', 'gpb_expenditure', 'basic_expenditure', 'government_fund', 'state_capital')

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

three_public as (

    select * from ({{ check_three_public_items() }}) as three_public

),

-- each 类 = sum of its 款, each 款 = sum of its 项
hierarchy as (

    select
        parent.document_id,
        'hierarchy_' || parent.table_kind as check_name,
        parent.subject_code || ' ' || parent.measure as subject,
        parent.amount_wan as expected_wan,
        sum(child.amount_wan) as actual_wan,
        any_value(parent.allowance_wan) + sum(child.allowance_wan) as tolerance_wan,
        {{ source_place('parent.page', 'parent.source_line') }} as cells
    from subject_figures as parent
    inner join subject_figures as child
        on parent.document_id = child.document_id
        and parent.table_kind = child.table_kind
        and parent.measure = child.measure
        and child.row_kind = 'subject'
        and child.code_length = parent.code_length + 2
        and starts_with(child.subject_code, parent.subject_code)
    where parent.row_kind = 'subject' and parent.code_length in (3, 5)
    group by all

),

-- the 总计 row = sum of the 类 rows
grand_total as (

    select
        total.document_id,
        'total_row_' || total.table_kind as check_name,
        total.measure as subject,
        total.amount_wan as expected_wan,
        sum(class.amount_wan) as actual_wan,
        any_value(total.allowance_wan) + sum(class.allowance_wan) as tolerance_wan,
        {{ source_place('total.page', 'total.source_line') }} as cells
    from subject_figures as total
    inner join subject_figures as class
        on total.document_id = class.document_id
        and total.table_kind = class.table_kind
        and total.measure = class.measure
        and class.row_kind = 'subject'
        and class.code_length = 3
    where total.row_kind = 'total'
    group by all

),

-- 合计 = 基本 + 项目 ; 合计 = 人员经费 + 公用经费
row_split as (

    select
        document_id,
        case when table_kind = 'basic_expenditure' then 'personnel_plus_public' else 'basic_plus_project' end
            || '_' || table_kind as check_name,
        coalesce(subject_code, '总计') as subject,
        total_wan as expected_wan,
        case when table_kind = 'basic_expenditure' then personnel_wan + public_wan else basic_wan + project_wan end as actual_wan,
        allowance_wan * (1 + case when table_kind = 'basic_expenditure' then personnel_cells else basic_figures + project_cells end)
            as tolerance_wan,
        {{ source_place('page', 'source_line') }} as cells
    from table_rows
    where total_wan is not null
        and (
            (table_kind in ('expenditure', 'gpb_expenditure') and (split_cells > 0 or personnel_cells > 0))
            or (table_kind = 'basic_expenditure' and personnel_cells > 0)
        )

),

project_rows as (

    select document_id, 'project_rows_sum_to_total' as check_name, '项目支出' as subject,
        stated_wan as expected_wan, projects_wan as actual_wan, allowance_wan * (1 + project_rows) as tolerance_wan,
        {{ source_place('page', 'source_line') }} as cells
    from project_table
    where stated_wan is not null and projects_wan is not null

),

lines as (

    select document_id, 'summary_income_equals_expenditure' as check_name, '收入总计 = 支出总计' as subject,
        income_total_wan as expected_wan, expenditure_total_wan as actual_wan,
        allowance_wan * ((income_total_wan is not null)::integer + (expenditure_total_wan is not null)::integer) as tolerance_wan,
        {{ source_place('page', 'source_line') }} as cells
    from summary

    union all

    select document_id, 'three_public_items_sum_to_total', '“三公”合计',
        total_wan,
        overseas_wan + reception_wan + coalesce(vehicle_total_wan, vehicle_purchase_wan + vehicle_operation_wan),
        allowance_wan * (1 + has_overseas::integer + has_reception::integer
            + case when vehicle_total_wan is not null then 1 else has_vehicle_purchase::integer + has_vehicle_operation::integer end),
        {{ source_place('page', 'source_line') }}
    from three_public
    where total_wan is not null

    union all

    select document_id, 'three_public_vehicle_sum', '公务用车购置及运行',
        vehicle_total_wan, vehicle_purchase_wan + vehicle_operation_wan,
        allowance_wan * (1 + has_vehicle_purchase::integer + has_vehicle_operation::integer),
        {{ source_place('page', 'source_line') }}
    from three_public
    where vehicle_total_wan is not null

),

checks as (

    select * from hierarchy
    union all select * from grand_total
    union all select * from row_split
    union all select * from project_rows
    union all select * from lines

)

select
    'totals' as check_family,
    *,
    {{ figures_agree('expected_wan', 'actual_wan', 'tolerance_wan') }} as passed
from checks
{%- endmacro %}
