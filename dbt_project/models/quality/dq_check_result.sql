{{ incremental_by_document_config('read') }}
-- Reconciliation checks on every document: the standard tables restate each other, and the
-- narrative restates the tables. Tolerance: half a unit of the last printed digit (0.005 of
-- the table's published unit) for each figure in the comparison; rounding never fails a check,
-- a printing or conversion error does. A failing document is still loaded, only flagged.
with amounts as (

    select * from {{ ref('stg_parsed__subject_amounts') }} where {{ document_filter() }}

),

tables as (

    select * from {{ ref('stg_parsed__tables') }} where {{ document_filter() }}

),

items as (

    select * from {{ ref('stg_parsed__line_items') }} where {{ document_filter() }}

),

facts as (

    select * from {{ ref('stg_parsed__narrative_facts') }} where {{ document_filter() }}

),

documents as (

    select * from {{ ref('int_documents_ranked') }} where {{ document_filter() }} and status <> 'duplicate'

),

half_unit as (

    -- half of one cent of the published unit, in 万元; one row per table kind (a document may
    -- print two tables of a kind, e.g. 一般公共预算支出 by function and by economic subject)
    select
        document_id,
        table_kind,
        max(case published_unit when '元' then 0.0000005 when '亿元' then 50 else 0.005 end) as half_unit_wan
    from tables
    group by document_id, table_kind

),

subject_rows as (

    select
        amounts.*,
        length(amounts.subject_code) as code_length,
        half_unit.half_unit_wan
    from amounts
    left join half_unit
        on amounts.document_id = half_unit.document_id and amounts.table_kind = half_unit.table_kind
    where amounts.amount_wan is not null
        and amounts.table_kind in ('income', 'expenditure', 'gpb_expenditure', 'basic_expenditure', 'government_fund', 'state_capital')

),

-- each 类 = sum of its 款, each 款 = sum of its 项
hierarchy as (

    select
        parent.document_id,
        'hierarchy_' || parent.table_kind as check_name,
        parent.subject_code || ' ' || parent.measure as subject,
        parent.amount_wan as expected_wan,
        sum(child.amount_wan) as actual_wan,
        any_value(parent.half_unit_wan) * (count(*) + 1) as tolerance_wan,
        {{ source_place('parent.page', 'parent.source_line') }} as cells
    from subject_rows as parent
    inner join subject_rows as child
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
        any_value(total.half_unit_wan) * (count(*) + 1) as tolerance_wan,
        {{ source_place('total.page', 'total.source_line') }} as cells
    from subject_rows as total
    inner join subject_rows as class
        on total.document_id = class.document_id
        and total.table_kind = class.table_kind
        and total.measure = class.measure
        and class.row_kind = 'subject'
        and class.code_length = 3
    where total.row_kind = 'total'
    group by all

),

pivoted as (

    select
        document_id, table_kind, row_seq, any_value(subject_code) as subject_code, any_value(row_kind) as row_kind,
        any_value(source_line) as source_line, any_value(page) as page, any_value(half_unit_wan) as half_unit_wan,
        max(case when measure = 'total' then amount_wan end) as total_wan,
        -- 基本 is 人员 + 公用 where a table prints those two without a 基本 column
        coalesce(
            max(case when measure = 'basic' then amount_wan end),
            case when count(*) filter (where measure in ('personnel', 'public')) > 0 and count(*) filter (where measure = 'basic') = 0
                then coalesce(max(case when measure = 'personnel' then amount_wan end), 0)
                    + coalesce(max(case when measure = 'public' then amount_wan end), 0) end,
            0
        ) as basic_wan,
        coalesce(max(case when measure = 'project' then amount_wan end), 0) as project_wan,
        coalesce(max(case when measure = 'personnel' then amount_wan end), 0) as personnel_wan,
        coalesce(max(case when measure = 'public' then amount_wan end), 0) as public_wan,
        count(*) filter (where measure = 'basic') as basic_cells,
        count(*) filter (where measure in ('basic', 'project')) as split_cells,
        count(*) filter (where measure in ('personnel', 'public')) as personnel_cells
    from subject_rows
    group by document_id, table_kind, row_seq

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
        half_unit_wan * 3 as tolerance_wan,
        {{ source_place('page', 'source_line') }} as cells
    from pivoted
    where total_wan is not null
        and (
            (table_kind in ('expenditure', 'gpb_expenditure') and (split_cells > 0 or personnel_cells > 0))
            or (table_kind = 'basic_expenditure' and personnel_cells > 0)
        )

),

totals_by_table as (

    select document_id, table_kind, total_wan, basic_wan, project_wan, personnel_wan, public_wan, half_unit_wan, source_line, page,
        basic_cells + personnel_cells > 0 as states_basic,
        personnel_cells > 0 as states_personnel
    from pivoted
    where row_kind = 'total'

),

project_table_total as (

    select
        amounts.document_id,
        max(case when amounts.row_kind = 'total' then amounts.amount_wan end) as stated_wan,
        sum(case when amounts.row_kind = 'subject' and amounts.project_name is not null then amounts.amount_wan end) as projects_wan,
        {{ last_source_place('amounts.') }},
        coalesce(bool_or(project_titles.is_general_public_budget), false) as is_general_public_budget
    from amounts
    left join (
        select document_id, bool_or(title like '%一般公共预算%') as is_general_public_budget
        from tables where table_kind = 'project_expenditure' group by document_id
    ) as project_titles on amounts.document_id = project_titles.document_id
    where amounts.table_kind = 'project_expenditure' and amounts.measure = 'total'
    group by amounts.document_id

),

-- tables that restate each other
cross_table as (

    select gpb.document_id, 'basic_table_equals_gpb_basic' as check_name, '基本支出' as subject,
        gpb.basic_wan as expected_wan, basic.total_wan as actual_wan, 0.01 as tolerance_wan,
        {{ source_place('gpb.page', 'gpb.source_line') }} || ', ' || {{ source_place('basic.page', 'basic.source_line') }} as cells
    from totals_by_table as gpb
    inner join totals_by_table as basic on gpb.document_id = basic.document_id and basic.table_kind = 'basic_expenditure'
    where gpb.table_kind = 'gpb_expenditure' and gpb.states_basic

    union all

    select gpb.document_id, 'project_table_equals_gpb_project', '项目支出',
        gpb.project_wan, coalesce(project.stated_wan, project.projects_wan), 0.01,
        {{ source_place('gpb.page', 'gpb.source_line') }} || ', ' || {{ source_place('project.page', 'project.source_line') }}
    from totals_by_table as gpb
    inner join project_table_total as project on gpb.document_id = project.document_id
    -- only a project table of 一般公共预算 restates the 一般公共预算 table's 项目 (others cover every fund)
    where gpb.table_kind = 'gpb_expenditure' and project.is_general_public_budget

    union all

    select project.document_id, 'project_rows_sum_to_total', '项目支出',
        project.stated_wan, project.projects_wan, 0.005 * 20, {{ source_place('project.page', 'project.source_line') }}
    from project_table_total as project
    where project.stated_wan is not null and project.projects_wan is not null

    union all

    -- table 1's expenditure by 类 = the 支出总体情况表 类 rows
    select items.document_id, 'summary_class_equals_expenditure_table', items.subject_code,
        items.amount_wan, expenditure.total_wan, 0.01,
        {{ source_place('items.page', 'items.source_line') }} || ', ' || {{ source_place('expenditure.page', 'expenditure.source_line') }}
    from items
    inner join pivoted as expenditure
        on items.document_id = expenditure.document_id
        and expenditure.table_kind = 'expenditure'
        and expenditure.subject_code = items.subject_code
    where items.table_kind = 'budget_summary' and items.side = 'expenditure' and items.measure = 'total'
        and items.subject_code is not null and items.amount_wan is not null

),

summary as (

    select
        document_id,
        max(case when item_key = 'income_total' then amount_wan end) as income_total_wan,
        max(case when item_key = 'expenditure_total' then amount_wan end) as expenditure_total_wan,
        {{ last_source_place() }}
    from items
    where table_kind = 'budget_summary' and measure = 'total'
    group by document_id

),

three_public as (

    select
        document_id,
        max(case when item_key = 'total' then amount_wan end) as total_wan,
        coalesce(max(case when item_key = 'overseas' then amount_wan end), 0) as overseas_wan,
        coalesce(max(case when item_key = 'reception' then amount_wan end), 0) as reception_wan,
        max(case when item_key = 'vehicle_total' then amount_wan end) as vehicle_total_wan,
        coalesce(max(case when item_key = 'vehicle_purchase' then amount_wan end), 0) as vehicle_purchase_wan,
        coalesce(max(case when item_key = 'vehicle_operation' then amount_wan end), 0) as vehicle_operation_wan,
        {{ last_source_place() }}
    from items
    where table_kind = 'three_public' and measure = 'total'
    group by document_id

),

stated as (

    select
        document_id,
        max(case when fact_kind = 'totals' and fact_key = 'budget_total' then value end) as budget_total_wan,
        max(case when fact_kind = 'totals' and fact_key = 'basic' then value end) as basic_wan,
        max(case when fact_kind = 'totals' and fact_key = 'project' then value end) as project_wan,
        max(case when fact_kind = 'totals' and fact_key = 'personnel' then value end) as personnel_wan,
        max(case when fact_kind = 'totals' and fact_key = 'public' then value end) as public_wan,
        max(case when fact_kind = 'three_public' and fact_key = 'total' then value end) as three_public_wan,
        max(case when fact_kind = 'operating_funds' then value end) as operating_funds_wan,
        {{ last_source_place() }}
    from facts
    group by document_id

),

statements as (

    select summary.document_id, 'summary_income_equals_expenditure' as check_name, '收入总计 = 支出总计' as subject,
        summary.income_total_wan as expected_wan, summary.expenditure_total_wan as actual_wan, 0.01 as tolerance_wan,
        {{ source_place('summary.page', 'summary.source_line') }} as cells
    from summary

    union all

    select three_public.document_id, 'three_public_items_sum_to_total', '“三公”合计',
        three_public.total_wan,
        three_public.overseas_wan + three_public.reception_wan
            + coalesce(three_public.vehicle_total_wan, three_public.vehicle_purchase_wan + three_public.vehicle_operation_wan),
        0.02, {{ source_place('three_public.page', 'three_public.source_line') }}
    from three_public
    where three_public.total_wan is not null

    union all

    select three_public.document_id, 'three_public_vehicle_sum', '公务用车购置及运行',
        three_public.vehicle_total_wan, three_public.vehicle_purchase_wan + three_public.vehicle_operation_wan,
        0.015, {{ source_place('three_public.page', 'three_public.source_line') }}
    from three_public
    where three_public.vehicle_total_wan is not null

    union all

    select three_public.document_id, 'three_public_table_equals_narrative', '“三公”经费',
        three_public.total_wan, stated.three_public_wan, 0.01,
        'table ' || {{ source_place('three_public.page', 'three_public.source_line') }} || ', text ' || {{ source_place('stated.page', 'stated.source_line') }}
    from three_public
    inner join stated on three_public.document_id = stated.document_id
    where stated.three_public_wan is not null and three_public.total_wan is not null

    union all

    select summary.document_id, 'narrative_total_equals_summary', '收支总预算',
        summary.income_total_wan, stated.budget_total_wan, 0.01, {{ source_place('summary.page', 'summary.source_line') }}
    from summary
    inner join stated on summary.document_id = stated.document_id
    where stated.budget_total_wan is not null

    union all

    -- the narrative restates table totals: one rule per (table, figure) pair
    select document_id, check_name, subject, expected_wan, actual_wan, tolerance_wan, cells
    from (
        select
            table_totals.document_id,
            table_totals.table_kind,
            {{ source_place('table_totals.page', 'table_totals.source_line') }} as cells,
            0.01 as tolerance_wan,
            -- a figure the table does not state (no 基本 / 人员 / 公用 column) is no reference: NULL, not 0
            unnest([
                {kind: 'expenditure', check_name: 'narrative_basic_equals_table', subject: '基本支出',
                 expected_wan: case when table_totals.states_basic then table_totals.basic_wan end, actual_wan: stated.basic_wan},
                {kind: 'expenditure', check_name: 'narrative_project_equals_table', subject: '项目支出',
                 expected_wan: case when table_totals.states_basic then table_totals.project_wan end, actual_wan: stated.project_wan},
                {kind: 'basic_expenditure', check_name: 'narrative_personnel_equals_table', subject: '人员经费',
                 expected_wan: case when table_totals.states_personnel then table_totals.personnel_wan end, actual_wan: stated.personnel_wan},
                -- 机关运行经费 is the 公用经费 of 行政 and 参公 units: within a department's 公用经费, equal to it
                -- only where every unit is one of those, which a document does not always say
                {kind: 'basic_expenditure', check_name: 'operating_funds_within_public', subject: '机关运行经费 ≤ 公用经费',
                 expected_wan: case when table_totals.states_personnel then table_totals.public_wan end, actual_wan: stated.operating_funds_wan}
            ], recursive := true)
        from totals_by_table as table_totals
        inner join stated on table_totals.document_id = stated.document_id
    )
    where table_kind = kind and actual_wan is not null and expected_wan is not null

),

-- a figure off by a factor of 10,000 (元 printed where 万元 was meant, or the reverse)
magnitude as (

    select summary.document_id, 'no_factor_10000_between_tables' as check_name, '收支总表 vs 支出总体情况表' as subject,
        summary.income_total_wan as expected_wan, expenditure.total_wan as actual_wan,
        0.01 as tolerance_wan, {{ source_place('summary.page', 'summary.source_line') }} as cells
    from summary
    inner join totals_by_table as expenditure
        on summary.document_id = expenditure.document_id and expenditure.table_kind = 'expenditure'
    where summary.income_total_wan is not null and expenditure.total_wan is not null
        and summary.income_total_wan > 0 and expenditure.total_wan > 0
        and (summary.income_total_wan / expenditure.total_wan between 9000 and 11000
            or expenditure.total_wan / summary.income_total_wan between 9000 and 11000)

),

-- an empty table carries its 空表 statement; every table names the same discloser
presence as (

    select tables.document_id, 'empty_table_has_statement' as check_name, tables.table_kind as subject,
        cast(null as decimal(20, 6)) as expected_wan, cast(null as decimal(20, 6)) as actual_wan,
        cast(0 as decimal(20, 6)) as tolerance_wan, {{ source_place('tables.page', 'tables.source_line') }} as cells,
        tables.has_empty_statement as passed
    from tables
    where tables.is_empty

    union all

    select tables.document_id, 'discloser_matches_unit', tables.table_kind,
        null, null, 0, coalesce(tables.discloser, '') || ' / ' || coalesce(documents.unit_name, ''),
        replace(tables.discloser, ' ', '') = replace(documents.unit_name, ' ', '')
    from tables
    inner join documents on tables.document_id = documents.document_id
    where tables.discloser is not null

),

-- a subject code carries one name throughout the document (a code/name mismatch is flagged)
code_names as (

    select
        document_id,
        'subject_name_consistent' as check_name,
        subject_code || ' ' || string_agg(distinct replace(subject_name, ' ', ''), ' ≠ ' order by replace(subject_name, ' ', '')) as subject,
        cast(null as decimal(20, 6)) as expected_wan,
        cast(null as decimal(20, 6)) as actual_wan,
        cast(0 as decimal(20, 6)) as tolerance_wan,
        string_agg(distinct table_kind, ', ' order by table_kind) as cells,
        count(distinct replace(subject_name, ' ', '')) = 1 as passed
    from amounts
    where subject_code is not null and subject_name is not null and subject_name <> '' and row_kind = 'subject'
    group by document_id, subject_code

),

changes as (

    select document_id, 'stated_percentage_matches_change' as check_name, item_label as subject,
        change_pct as expected_wan, cast(100 * change_wan / nullif(prior_wan, 0) as decimal(20, 6)) as actual_wan,
        cast(0 as decimal(20, 6)) as tolerance_wan, {{ source_place('page', 'source_line') }} as cells,
        pct_consistent as passed
    from {{ ref('int_budget_changes_resolved') }}
    where {{ document_filter() }} and pct_consistent is not null

),

numeric_checks as (

    select * from hierarchy
    union all select * from grand_total
    union all select * from row_split
    union all select * from cross_table
    union all select * from statements
    union all select * from magnitude

),

all_checks as (

    select
        *,
        case
            when expected_wan is null and actual_wan is null then true
            when check_name = 'no_factor_10000_between_tables' then false
            when check_name = 'operating_funds_within_public' then actual_wan <= expected_wan + tolerance_wan
            else abs(coalesce(expected_wan, 0) - coalesce(actual_wan, 0)) <= tolerance_wan
        end as passed
    from numeric_checks

    union all select * from presence
    union all select * from code_names
    union all select * from changes

),

-- a check whose table the document does not carry cannot run: it says so, it does not pass
required_tables as (

    select * from (values
        ('summary_income_equals_expenditure', 'budget_summary', '收支总表'),
        ('basic_plus_project_expenditure', 'expenditure', '支出总表'),
        ('personnel_plus_public_basic_expenditure', 'basic_expenditure', '基本支出表'),
        ('three_public_items_sum_to_total', 'three_public', '“三公”经费表')
    ) as required (check_name, table_kind, table_label)

),

not_run as (

    select
        documents.document_id,
        required_tables.check_name,
        required_tables.table_label as subject,
        cast(null as decimal(20, 6)) as expected_wan,
        cast(null as decimal(20, 6)) as actual_wan,
        cast(null as decimal(20, 6)) as tolerance_wan,
        'not run: the document has no ' || required_tables.table_label as cells
    from documents
    cross join required_tables
    where documents.has_tables and documents.status in ('loaded', 'partial')
        and not exists (
            select 1 from tables
            where tables.document_id = documents.document_id and tables.table_kind = required_tables.table_kind
        )

),

final as (

    select
        all_checks.document_id,
        documents.unit_key,
        cast(documents.year as integer) as year,
        all_checks.check_name,
        all_checks.subject,
        cast(all_checks.expected_wan as decimal(20, 6)) as expected_wan,
        cast(all_checks.actual_wan as decimal(20, 6)) as actual_wan,
        cast(coalesce(all_checks.actual_wan, 0) - coalesce(all_checks.expected_wan, 0) as decimal(20, 6)) as difference_wan,
        cast(all_checks.tolerance_wan as decimal(20, 6)) as tolerance_wan,
        all_checks.cells,
        case when all_checks.passed then 'pass' else 'fail' end as status
    from all_checks
    inner join documents on all_checks.document_id = documents.document_id

    union all

    select
        not_run.document_id,
        documents.unit_key,
        cast(documents.year as integer),
        not_run.check_name,
        not_run.subject,
        not_run.expected_wan,
        not_run.actual_wan,
        cast(null as decimal(20, 6)),
        not_run.tolerance_wan,
        not_run.cells,
        'not_run'
    from not_run
    inner join documents on not_run.document_id = documents.document_id

)

select * from final
