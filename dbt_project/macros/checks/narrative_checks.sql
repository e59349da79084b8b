{#- Family `narrative`: the 情况说明 restates the tables. The “三公” sentence = the “三公” table,
    收支总预算 = the 收支总表, the stated 基本 / 项目 / 人员经费 = the tables', 机关运行经费 ≤ the
    公用经费 it is part of, and every stated percentage = change / prior. A table figure allows its
    table's half last digit, a sentence's figure narrative_figure_allowance_wan() (macros/tolerance.sql). -#}

{% macro narrative_checks() -%}
with table_totals as (

    select * from ({{ check_subject_table_totals() }}) as table_totals

),

summary as (

    select * from ({{ check_summary_totals() }}) as summary

),

three_public as (

    select * from ({{ check_three_public_items() }}) as three_public

),

stated as (

    select * from ({{ check_stated_figures() }}) as stated

),

restatements as (

    select three_public.document_id, 'three_public_table_equals_narrative' as check_name, '“三公”经费' as subject,
        three_public.total_wan as expected_wan, stated.three_public_wan as actual_wan,
        three_public.allowance_wan + {{ narrative_figure_allowance_wan() }} as tolerance_wan,
        'table ' || {{ source_place('three_public.page', 'three_public.source_line') }} || ', text ' || {{ source_place('stated.page', 'stated.source_line') }} as cells
    from three_public
    inner join stated on three_public.document_id = stated.document_id
    where stated.three_public_wan is not null and three_public.total_wan is not null

    union all

    select summary.document_id, 'narrative_total_equals_summary', '收支总预算',
        summary.income_total_wan, stated.budget_total_wan,
        summary.allowance_wan + {{ narrative_figure_allowance_wan() }},
        {{ source_place('summary.page', 'summary.source_line') }}
    from summary
    inner join stated on summary.document_id = stated.document_id
    where stated.budget_total_wan is not null

    union all

    -- the narrative restates table totals: one rule per (table, figure) pair
    select document_id, check_name, subject, expected_wan, actual_wan,
        table_allowance_wan * table_figures + {{ narrative_figure_allowance_wan() }}, cells
    from (
        select
            table_totals.document_id,
            table_totals.table_kind,
            table_totals.allowance_wan as table_allowance_wan,
            {{ source_place('table_totals.page', 'table_totals.source_line') }} as cells,
            -- a figure the table does not state (no 基本 / 人员 / 公用 column) is no reference: NULL, not 0
            unnest([
                {kind: 'expenditure', check_name: 'narrative_basic_equals_table', subject: '基本支出',
                 expected_wan: case when table_totals.states_basic then table_totals.basic_wan end, actual_wan: stated.basic_wan,
                 table_figures: table_totals.basic_figures},
                {kind: 'expenditure', check_name: 'narrative_project_equals_table', subject: '项目支出',
                 expected_wan: case when table_totals.states_basic then table_totals.project_wan end, actual_wan: stated.project_wan,
                 table_figures: 1},
                {kind: 'basic_expenditure', check_name: 'narrative_personnel_equals_table', subject: '人员经费',
                 expected_wan: case when table_totals.states_personnel then table_totals.personnel_wan end, actual_wan: stated.personnel_wan,
                 table_figures: 1},
                -- 机关运行经费 is the 公用经费 of 行政 and 参公 units: within a department's 公用经费, equal to it
                -- only where every unit is one of those, which a document does not always say
                {kind: 'basic_expenditure', check_name: 'operating_funds_within_public', subject: '机关运行经费 ≤ 公用经费',
                 expected_wan: case when table_totals.states_personnel then table_totals.public_wan end, actual_wan: stated.operating_funds_wan,
                 table_figures: 1}
            ], recursive := true)
        from table_totals
        inner join stated on table_totals.document_id = stated.document_id
    )
    where table_kind = kind and actual_wan is not null and expected_wan is not null

),

-- the stated percentage = 100 × change / (current − change), both amounts from the sentence
percentages as (

    select
        document_id,
        'stated_percentage_matches_change' as check_name,
        item_label as subject,
        change_pct as expected_pct,
        100 * change_wan / nullif(prior_wan, 0) as actual_pct,
        {{ stated_pct_tolerance('change_pct_decimals', 'current_wan', 'change_wan') }} as tolerance_pct,
        {{ source_place('page', 'source_line') }} as cells,
        prior_wan,
        change_wan
    from {{ ref('int_budget_changes_resolved') }}
    where {{ document_filter() }} and change_pct is not null and current_wan is not null

)

select
    'narrative' as check_family,
    *,
    case
        when check_name = 'operating_funds_within_public' then actual_wan <= expected_wan + tolerance_wan
        else {{ figures_agree('expected_wan', 'actual_wan', 'tolerance_wan') }}
    end as passed
from restatements

union all by name

select
    'narrative' as check_family,
    * exclude (prior_wan, change_wan),
    case
        -- from nothing: a stated 100% (or 0%), or no change at all
        when prior_wan = 0 then expected_pct in (0, 100) or change_wan = 0
        -- the prior year within rounding of zero: the amounts fix no percentage
        when tolerance_pct is null then true
        else abs(actual_pct - expected_pct) <= tolerance_pct
    end as passed
from percentages
{%- endmacro %}
