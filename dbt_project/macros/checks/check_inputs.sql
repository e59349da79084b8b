{#- The figures the check families (macros/checks/*_checks.sql) compare, each with its rounding
    allowance (macros/tolerance.sql). Every macro is a complete select over the current batch of
    documents of dq_check_result (document_filter(), macros/incremental_by_document.sql).

    Why macros and not ephemeral models: the batch filter reads the batch table of the model being
    built (`this`), and an ephemeral model's `this` is its own. Called from dq_check_result, a
    macro's filter is dq_check_result's. -#}

{#- One allowance per printed table, in 万元. A document may print two tables of a kind under
    one number (一般公共预算支出 by function and by economic subject): the larger. -#}
{% macro check_table_allowances() -%}
    select
        document_id,
        table_kind,
        table_number,
        max({{ half_printed_digit_wan('published_unit', 'printed_decimals') }}) as allowance_wan
    from {{ ref('stg_parsed__tables') }}
    where {{ document_filter() }}
    group by document_id, table_kind, table_number
{%- endmacro %}

{#- Every printed amount of a coded subject table, with its table's allowance. -#}
{% macro check_subject_figures() -%}
    select
        amounts.*,
        length(amounts.subject_code) as code_length,
        coalesce(allowances.allowance_wan, {{ half_printed_digit_wan("'万元'", 'null') }}) as allowance_wan
    from {{ ref('stg_parsed__subject_amounts') }} as amounts
    left join ({{ check_table_allowances() }}) as allowances
        on amounts.document_id = allowances.document_id
        and amounts.table_kind = allowances.table_kind
        and amounts.table_number is not distinct from allowances.table_number
    where {{ document_filter('amounts.document_id') }} and amounts.amount_wan is not null
{%- endmacro %}

{#- Every printed amount of a line table (收支总表, “三公”), with its table's allowance. -#}
{% macro check_line_figures() -%}
    select
        items.*,
        coalesce(allowances.allowance_wan, {{ half_printed_digit_wan("'万元'", 'null') }}) as allowance_wan
    from {{ ref('stg_parsed__line_items') }} as items
    left join ({{ check_table_allowances() }}) as allowances
        on items.document_id = allowances.document_id
        and items.table_kind = allowances.table_kind
        and items.table_number is not distinct from allowances.table_number
    where {{ document_filter('items.document_id') }}
{%- endmacro %}

{#- One row per row of a subject table, its measures side by side, with how many printed figures
    each measure stands for (基本 is 人员 + 公用, two figures, where a table prints those two
    without a 基本 column). -#}
{% macro check_subject_table_rows() -%}
    select
        document_id,
        table_kind,
        row_seq,
        any_value(subject_code) as subject_code,
        any_value(row_kind) as row_kind,
        any_value(source_line) as source_line,
        any_value(page) as page,
        max(allowance_wan) as allowance_wan,
        max(case when measure = 'total' then amount_wan end) as total_wan,
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
        -- the 决算 政府性基金 / 国有资本经营 tables' balances and income
        max(case when measure = 'opening_balance' then amount_wan end) as opening_balance_wan,
        max(case when measure = 'current_year_income' then amount_wan end) as current_year_income_wan,
        max(case when measure = 'closing_balance' then amount_wan end) as closing_balance_wan,
        count(*) filter (where measure = 'basic') as basic_cells,
        count(*) filter (where measure = 'project') as project_cells,
        count(*) filter (where measure in ('basic', 'project')) as split_cells,
        count(*) filter (where measure in ('personnel', 'public')) as personnel_cells,
        -- printed figures behind basic_wan
        case when count(*) filter (where measure = 'basic') > 0 then 1
            else count(*) filter (where measure in ('personnel', 'public')) end as basic_figures
    from ({{ check_subject_figures() }}) as figures
    where table_kind in ('income', 'expenditure', 'gpb_expenditure', 'basic_expenditure', 'government_fund', 'state_capital')
    group by document_id, table_kind, row_seq
{%- endmacro %}

{#- The total row of each subject table, and which splits the table states. -#}
{% macro check_subject_table_totals() -%}
    select
        document_id, table_kind, total_wan, basic_wan, project_wan, personnel_wan, public_wan, basic_figures,
        allowance_wan, source_line, page,
        basic_cells + personnel_cells > 0 as states_basic,
        personnel_cells > 0 as states_personnel
    from ({{ check_subject_table_rows() }}) as table_rows
    where row_kind = 'total'
{%- endmacro %}

{#- The 项目支出 table: its stated total, the sum of its project rows and how many they are. -#}
{% macro check_project_table() -%}
    select
        figures.document_id,
        max(case when figures.row_kind = 'total' then figures.amount_wan end) as stated_wan,
        sum(case when figures.row_kind = 'subject' and figures.project_name is not null then figures.amount_wan end) as projects_wan,
        count(*) filter (where figures.row_kind = 'subject' and figures.project_name is not null) as project_rows,
        max(figures.allowance_wan) as allowance_wan,
        {{ last_source_place('figures.') }},
        coalesce(bool_or(project_titles.is_general_public_budget), false) as is_general_public_budget
    from ({{ check_subject_figures() }}) as figures
    left join (
        select document_id, bool_or(title like '%一般公共预算%') as is_general_public_budget
        from {{ ref('stg_parsed__tables') }}
        where {{ document_filter() }} and table_kind = 'project_expenditure'
        group by document_id
    ) as project_titles on figures.document_id = project_titles.document_id
    where figures.table_kind = 'project_expenditure' and figures.measure = 'total'
    group by figures.document_id
{%- endmacro %}

{#- The 收支总表's 收入总计 and 支出总计. -#}
{% macro check_summary_totals() -%}
    select
        document_id,
        max(case when item_key = 'income_total' then amount_wan end) as income_total_wan,
        max(case when item_key = 'expenditure_total' then amount_wan end) as expenditure_total_wan,
        max(allowance_wan) as allowance_wan,
        {{ last_source_place() }}
    from ({{ check_line_figures() }}) as figures
    where table_kind = 'budget_summary' and measure = 'total'
    group by document_id
{%- endmacro %}

{#- The “三公” table's items (合计 column), and which of them are printed. -#}
{% macro check_three_public_items() -%}
    select
        document_id,
        max(case when item_key = 'total' then amount_wan end) as total_wan,
        coalesce(max(case when item_key = 'overseas' then amount_wan end), 0) as overseas_wan,
        coalesce(max(case when item_key = 'reception' then amount_wan end), 0) as reception_wan,
        max(case when item_key = 'vehicle_total' then amount_wan end) as vehicle_total_wan,
        coalesce(max(case when item_key = 'vehicle_purchase' then amount_wan end), 0) as vehicle_purchase_wan,
        coalesce(max(case when item_key = 'vehicle_operation' then amount_wan end), 0) as vehicle_operation_wan,
        {%- for item in ['overseas', 'reception', 'vehicle_purchase', 'vehicle_operation'] %}
        count(amount_wan) filter (where item_key = '{{ item }}') > 0 as has_{{ item }},
        {%- endfor %}
        max(allowance_wan) as allowance_wan,
        {{ last_source_place() }}
    from ({{ check_line_figures() }}) as figures
    where table_kind = 'three_public' and measure = 'total'
    group by document_id
{%- endmacro %}

{#- The figures the narrative states that a table restates (each one narrative figure). -#}
{% macro check_stated_figures() -%}
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
    from {{ ref('stg_parsed__narrative_facts') }}
    where {{ document_filter() }}
    group by document_id
{%- endmacro %}
