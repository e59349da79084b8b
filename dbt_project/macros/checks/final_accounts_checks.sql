{#- Family `final_accounts`: the checks of a 部门决算, on final-phase documents only.

    - the balance identity of the 收入支出决算总表: 年初结转和结余 + 本年收入 + 使用非财政拨款结余
      (用事业基金弥补收支差额) = 本年支出 + 结余分配 + 年末结转和结余; its income lines = 本年收入合计;
    - table 1 = tables 2 and 3 (本年收入合计 = 收入决算表 合计, 本年支出合计 = 支出决算表 合计);
    - table 4 per fund (年初 + 本年收入 = 本年支出 + 年末) and against tables 1, 2 and 5;
    - each row of the 政府性基金 / 国有资本经营 决算表: 年初结转和结余 + 本年收入 = 本年支出 + 年末结转和结余;
    - 基本支出 of table 5 = 人员经费合计 + 公用经费合计 of table 6;
    - the “三公” items add up, for the 预算数 and for the 决算数;
    - the narrative: each stated 完成% = 决算 / 预算, each stated 大于 / 小于 / 持平 against its two
      figures, its 一般公共预算 决算 (total and items) and its 三公 figures = the tables';
    - every table the document's contents list is there.
    Allowances as every family's (macros/tolerance.sql): a table figure its table's half last
    digit, a sentence's figure narrative_figure_allowance_wan(), a stated percentage half its last
    printed digit plus what the amounts' rounding moves the quotient. -#}

{#- 持平 / 基本持平 allows the two figures to differ by this share of the budget (基本持平 is said
    of 10.00 against 10.00 and of 258.50 against 258.50, never of a visible gap): 0.5%. -#}
{% macro final_level_share() -%}0.005{%- endmacro %}

{% macro final_accounts_checks() -%}
with final_documents as (

    select document_id, tables_missing
    from {{ ref('stg_parsed__documents') }}
    where {{ document_filter() }} and phase = 'final'

),

lines as (

    select figures.*
    from ({{ check_line_figures() }}) as figures
    inner join final_documents on figures.document_id = final_documents.document_id

),

subject_rows as (

    select table_rows.*
    from ({{ check_subject_table_rows() }}) as table_rows
    inner join final_documents on table_rows.document_id = final_documents.document_id

),

table_totals as (

    select
        document_id,
        table_kind,
        arg_min(total_wan, row_seq) as total_wan,
        arg_min(basic_wan, row_seq) as basic_wan,
        max(personnel_wan) as personnel_wan,
        max(public_wan) as public_wan,
        max(allowance_wan) as allowance_wan,
        arg_min(page, row_seq) as page,
        arg_min(source_line, row_seq) as source_line
    from subject_rows
    where row_kind = 'total'
    group by document_id, table_kind

),

income_table_fiscal as (

    select figures.document_id, arg_min(figures.amount_wan, figures.row_seq) as fiscal_wan
    from ({{ check_subject_figures() }}) as figures
    inner join final_documents on figures.document_id = final_documents.document_id
    where figures.table_kind = 'income' and figures.row_kind = 'total' and figures.measure = 'fiscal_subtotal'
    group by figures.document_id

),

-- each line of tables 1 and 4 once (the first printing), per measure
summary as (

    select
        document_id,
        table_kind,
        max(allowance_wan) as allowance_wan,
        {%- for key in ['current_year_income', 'current_year_expenditure', 'opening_balance', 'closing_balance',
                        'nonfiscal_balance_used', 'business_fund_used', 'balance_distributed', 'income_total',
                        'general_public_budget', 'government_fund', 'state_capital', 'upper_subsidy_income',
                        'business_income', 'operating_income', 'affiliated_income', 'other_income',
                        'opening_balance_general_public_budget', 'opening_balance_government_fund',
                        'opening_balance_state_capital'] %}
        arg_min(amount_wan, row_seq) filter (where item_key = '{{ key }}' and measure = 'total') as {{ key }}_wan,
        {%- endfor %}
        {%- for fund in ['general_public_budget', 'government_fund', 'state_capital'] %}
        arg_min(amount_wan, row_seq) filter (
            where item_key = 'current_year_expenditure' and measure = '{{ fund }}'
        ) as expenditure_{{ fund }}_wan,
        arg_min(amount_wan, row_seq) filter (where item_key = 'closing_balance' and measure = '{{ fund }}') as closing_{{ fund }}_wan,
        {%- endfor %}
        {{ last_source_place() }}
    from lines
    where table_kind in ('budget_summary', 'fiscal_summary')
    group by document_id, table_kind

),

three_public as (

    select
        document_id,
        measure as stage,
        max(allowance_wan) as allowance_wan,
        {%- for item in ['total', 'overseas', 'reception', 'vehicle_total', 'vehicle_purchase', 'vehicle_operation'] %}
        max(case when item_key = '{{ item }}' then amount_wan end) as {{ item }}_wan,
        {%- endfor %}
        {{ last_source_place() }}
    from lines
    where table_kind = 'three_public' and measure in ('budget', 'final')
    group by document_id, measure

),

stated as (

    select facts.*
    from {{ ref('stg_parsed__narrative_facts') }} as facts
    inner join final_documents on facts.document_id = final_documents.document_id

),

execution as (

    select
        document_id,
        split_part(fact_key, '|', 1) as item_path,
        {%- for measure in ['budget', 'original_budget', 'adjusted_budget', 'final', 'completion_pct', 'comparison'] %}
        max(case when split_part(fact_key, '|', 2) = '{{ measure }}' then value end) as {{ measure }}_value,
        {%- endfor %}
        {{ first_source_place() }}
    from stated
    where fact_kind = 'execution'
    group by document_id, split_part(fact_key, '|', 1)

),

three_public_stated as (

    select
        document_id,
        max(case when fact_key = 'budget_total' then value end) as budget_total_wan,
        max(case when fact_key = 'final_total' then value end) as final_total_wan,
        max(case when fact_key = 'completion_pct' then value end) as completion_pct,
        {{ first_source_place() }}
    from stated
    where fact_kind = 'final_three_public'
    group by document_id

),

matched_items as (

    select statements.document_id, statements.item_path, statements.subject_code
    from {{ ref('int_final_execution_statements') }} as statements
    where {{ document_filter('statements.document_id') }} and statements.subject_code is not null

),

amounts as (

    -- table 1: the balance identity, and its income lines = 本年收入合计
    select s.document_id, 'final_balance_identity' as check_name,
        '年初结转 + 本年收入 + 使用非财政拨款结余 = 本年支出 + 结余分配 + 年末结转' as subject,
        coalesce(s.opening_balance_wan, 0) + coalesce(s.current_year_income_wan, 0)
            + coalesce(s.nonfiscal_balance_used_wan, 0) + coalesce(s.business_fund_used_wan, 0) as expected_wan,
        coalesce(s.current_year_expenditure_wan, 0) + coalesce(s.balance_distributed_wan, 0) + coalesce(s.closing_balance_wan, 0)
            as actual_wan,
        s.allowance_wan * 7 as tolerance_wan,
        {{ source_place('s.page', 's.source_line') }} as cells
    from summary as s
    where s.table_kind = 'budget_summary' and s.current_year_income_wan is not null

    union all

    select s.document_id, 'final_summary_income_lines_sum', '收入 lines = 本年收入合计',
        s.current_year_income_wan,
        coalesce(s.general_public_budget_wan, 0) + coalesce(s.government_fund_wan, 0) + coalesce(s.state_capital_wan, 0)
            + coalesce(s.upper_subsidy_income_wan, 0) + coalesce(s.business_income_wan, 0) + coalesce(s.operating_income_wan, 0)
            + coalesce(s.affiliated_income_wan, 0) + coalesce(s.other_income_wan, 0),
        s.allowance_wan * 9,
        {{ source_place('s.page', 's.source_line') }}
    from summary as s
    where s.table_kind = 'budget_summary' and s.current_year_income_wan is not null

    union all

    -- table 1 = tables 2 and 3
    select s.document_id, 'final_summary_equals_income_table', '本年收入合计 = 收入决算表 合计',
        s.current_year_income_wan, t.total_wan, s.allowance_wan + t.allowance_wan,
        {{ source_place('s.page', 's.source_line') }} || ', ' || {{ source_place('t.page', 't.source_line') }}
    from summary as s
    inner join table_totals as t on s.document_id = t.document_id and t.table_kind = 'income'
    where s.table_kind = 'budget_summary'

    union all

    select s.document_id, 'final_summary_equals_expenditure_table', '本年支出合计 = 支出决算表 合计',
        s.current_year_expenditure_wan, t.total_wan, s.allowance_wan + t.allowance_wan,
        {{ source_place('s.page', 's.source_line') }} || ', ' || {{ source_place('t.page', 't.source_line') }}
    from summary as s
    inner join table_totals as t on s.document_id = t.document_id and t.table_kind = 'expenditure'
    where s.table_kind = 'budget_summary'

    union all

    -- table 4 per fund: 年初结转 + 本年收入 = 本年支出 + 年末结转
    {%- for fund, label in [('general_public_budget', '一般公共预算'), ('government_fund', '政府性基金'), ('state_capital', '国有资本经营')] %}
    select f.document_id, 'final_fiscal_fund_balance', '{{ label }}: 年初结转 + 本年收入 = 本年支出 + 年末结转',
        coalesce(f.opening_balance_{{ fund }}_wan, 0) + coalesce(f.{{ fund }}_wan, 0),
        coalesce(f.expenditure_{{ fund }}_wan, 0) + coalesce(f.closing_{{ fund }}_wan, 0),
        f.allowance_wan * 4,
        {{ source_place('f.page', 'f.source_line') }}
    from summary as f
    where f.table_kind = 'fiscal_summary'
        and coalesce(f.opening_balance_{{ fund }}_wan, f.{{ fund }}_wan, f.expenditure_{{ fund }}_wan, f.closing_{{ fund }}_wan) is not null

    union all
    {%- endfor %}

    -- each row of the 政府性基金 / 国有资本经营 决算表: 年初 + 本年收入 = 本年支出 + 年末
    select r.document_id, 'final_fund_table_balance',
        case r.table_kind when 'government_fund' then '政府性基金' else '国有资本经营' end
            || ' ' || coalesce(r.subject_code, '合计') || ': 年初结转 + 本年收入 = 本年支出 + 年末结转',
        coalesce(r.opening_balance_wan, 0) + coalesce(r.current_year_income_wan, 0),
        coalesce(r.total_wan, 0) + coalesce(r.closing_balance_wan, 0),
        r.allowance_wan * 4,
        {{ source_place('r.page', 'r.source_line') }}
    from subject_rows as r
    where r.table_kind in ('government_fund', 'state_capital')
        and coalesce(r.opening_balance_wan, r.current_year_income_wan, r.closing_balance_wan) is not null

    union all

    -- table 4 against tables 1, 2 and 5
    select f.document_id, 'final_fiscal_equals_summary', '一般公共预算财政拨款收入: 表4 = 表1',
        s.general_public_budget_wan, f.general_public_budget_wan, s.allowance_wan + f.allowance_wan,
        {{ source_place('f.page', 'f.source_line') }} || ', ' || {{ source_place('s.page', 's.source_line') }}
    from summary as f
    inner join summary as s on f.document_id = s.document_id and s.table_kind = 'budget_summary'
    where f.table_kind = 'fiscal_summary'

    union all

    select f.document_id, 'final_fiscal_equals_income_table', '财政拨款 本年收入合计: 表4 = 收入决算表 财政拨款收入',
        i.fiscal_wan, f.current_year_income_wan, f.allowance_wan * 2,
        {{ source_place('f.page', 'f.source_line') }}
    from summary as f
    inner join income_table_fiscal as i on f.document_id = i.document_id
    where f.table_kind = 'fiscal_summary'

    union all

    select f.document_id, 'final_fiscal_equals_gpb_table', '一般公共预算 本年支出: 表4 = 表5 合计',
        t.total_wan, f.expenditure_general_public_budget_wan, f.allowance_wan + t.allowance_wan,
        {{ source_place('f.page', 'f.source_line') }} || ', ' || {{ source_place('t.page', 't.source_line') }}
    from summary as f
    inner join table_totals as t on f.document_id = t.document_id and t.table_kind = 'gpb_expenditure'
    where f.table_kind = 'fiscal_summary'

    union all

    -- 基本 of table 5 = 人员经费合计 + 公用经费合计 of table 6
    select g.document_id, 'final_gpb_basic_equals_personnel_plus_public', '基本支出 = 人员经费 + 公用经费',
        g.basic_wan, b.personnel_wan + b.public_wan, g.allowance_wan + 2 * b.allowance_wan,
        {{ source_place('g.page', 'g.source_line') }} || ', ' || {{ source_place('b.page', 'b.source_line') }}
    from table_totals as g
    inner join table_totals as b on g.document_id = b.document_id and b.table_kind = 'basic_expenditure'
    where g.table_kind = 'gpb_expenditure' and (b.personnel_wan <> 0 or b.public_wan <> 0)

    union all

    -- the “三公” items add up, for the budget and for the actual
    select document_id, 'final_three_public_items_sum_to_total', '“三公”经费 ' || stage,
        total_wan,
        coalesce(overseas_wan, 0) + coalesce(reception_wan, 0)
            + coalesce(vehicle_total_wan, coalesce(vehicle_purchase_wan, 0) + coalesce(vehicle_operation_wan, 0)),
        allowance_wan * 4,
        {{ source_place('page', 'source_line') }}
    from three_public
    where total_wan is not null or coalesce(overseas_wan, reception_wan, vehicle_total_wan) is not null

    union all

    select document_id, 'final_three_public_vehicle_parts', '公务用车 ' || stage,
        vehicle_total_wan, coalesce(vehicle_purchase_wan, 0) + coalesce(vehicle_operation_wan, 0), allowance_wan * 3,
        {{ source_place('page', 'source_line') }}
    from three_public
    where vehicle_total_wan is not null

    union all

    -- the narrative against the tables: 一般公共预算 决算 (total and items), “三公” budget and actual
    select e.document_id, 'final_narrative_gpb_equals_table', '一般公共预算财政拨款支出决算',
        t.total_wan, e.final_value, t.allowance_wan + {{ narrative_figure_allowance_wan() }},
        'text ' || {{ source_place('e.page', 'e.source_line') }} || ', table ' || {{ source_place('t.page', 't.source_line') }}
    from execution as e
    inner join table_totals as t on e.document_id = t.document_id and t.table_kind = 'gpb_expenditure'
    where e.item_path = 'total' and e.final_value is not null

    union all

    select e.document_id, 'final_narrative_item_equals_table', m.subject_code,
        r.total_wan, e.final_value, r.allowance_wan + {{ narrative_figure_allowance_wan() }},
        'text ' || {{ source_place('e.page', 'e.source_line') }} || ', table ' || {{ source_place('r.page', 'r.source_line') }}
    from execution as e
    inner join matched_items as m on e.document_id = m.document_id and e.item_path = m.item_path
    inner join (
        select distinct on (document_id, subject_code) * from subject_rows
        where table_kind = 'gpb_expenditure' and row_kind = 'subject'
        order by document_id, subject_code, row_seq
    ) as r on m.document_id = r.document_id and m.subject_code = r.subject_code
    where e.final_value is not null

    union all

    {%- for stage in ['budget', 'final'] %}
    select n.document_id, 'final_narrative_three_public_equals_table', '“三公”经费 {{ stage }}',
        t.total_wan, n.{{ stage }}_total_wan, t.allowance_wan + {{ narrative_figure_allowance_wan() }},
        'text ' || {{ source_place('n.page', 'n.source_line') }} || ', table ' || {{ source_place('t.page', 't.source_line') }}
    from three_public_stated as n
    inner join three_public as t on n.document_id = t.document_id and t.stage = '{{ stage }}'
    where n.{{ stage }}_total_wan is not null and t.total_wan is not null
    {{ 'union all' if not loop.last }}
    {%- endfor %}

),

-- the stated 完成% = 100 × 决算 / 预算 (the 年初 budget, or the 全年 one where the text measures
-- against that), and the stated 大于 / 小于 / 持平 against the same two figures
statements as (

    select
        document_id, item_path, final_value, completion_pct_value, comparison_value, page, source_line,
        unnest(list_distinct(list_filter([original_budget_value, adjusted_budget_value, budget_value], lambda x: x is not null))) as budget_value
    from execution
    union all
    select document_id, '“三公”经费', final_total_wan, completion_pct, null, page, source_line, budget_total_wan
    from three_public_stated
    where budget_total_wan is not null and final_total_wan is not null

),

percentages as (

    select
        document_id,
        'final_stated_completion_matches' as check_name,
        item_path as subject,
        completion_pct_value as expected_pct,
        100 * final_value / nullif(budget_value, 0) as actual_pct,
        cast(0.005 as decimal(38, 12)) + 100 * {{ narrative_figure_allowance_wan() }}
            * (1 / nullif(budget_value, 0) + final_value / nullif(budget_value * budget_value, 0)) as tolerance_pct,
        {{ source_place('page', 'source_line') }} as cells
    from statements
    where completion_pct_value is not null

),

comparisons as (

    select
        document_id,
        'final_stated_comparison_matches' as check_name,
        item_path || ': 决算数' || case comparison_value when 1 then '大于' when -1 then '小于' else '持平' end || '预算数' as subject,
        budget_value as expected_wan,
        final_value as actual_wan,
        greatest(2 * {{ narrative_figure_allowance_wan() }}, {{ final_level_share() }} * abs(budget_value)) as tolerance_wan,
        {{ source_place('page', 'source_line') }} as cells,
        case comparison_value
            when 1 then final_value > budget_value
            when -1 then final_value < budget_value
            else abs(final_value - budget_value) <= greatest(2 * {{ narrative_figure_allowance_wan() }}, {{ final_level_share() }} * abs(budget_value))
        end as passed
    from statements
    where comparison_value is not null and budget_value is not null and final_value is not null

)

select 'final_accounts' as check_family, *, {{ figures_agree('expected_wan', 'actual_wan', 'tolerance_wan') }} as passed
from amounts

union all by name

-- a statement measured against either budget it states passes (年初预算 0, 全年预算 321.02: the text's % is of the 全年)
select 'final_accounts' as check_family, document_id, check_name, subject,
    arg_min(expected_pct, abs(actual_pct - expected_pct)) as expected_pct,
    arg_min(actual_pct, abs(actual_pct - expected_pct)) as actual_pct,
    arg_min(tolerance_pct, abs(actual_pct - expected_pct)) as tolerance_pct,
    any_value(cells) as cells,
    -- from a zero budget no percentage follows: a stated 0% (or 100%) is what such texts print
    coalesce(bool_or(abs(actual_pct - expected_pct) <= tolerance_pct or actual_pct is null and expected_pct in (0, 100)), false)
        as passed
from percentages
group by document_id, check_name, subject

union all by name

select 'final_accounts' as check_family, document_id, check_name, subject,
    arg_max(expected_wan, passed) as expected_wan, arg_max(actual_wan, passed) as actual_wan,
    arg_max(tolerance_wan, passed) as tolerance_wan, any_value(cells) as cells, bool_or(passed) as passed
from comparisons
group by document_id, check_name, subject

union all by name

-- every table the document's own contents list is there
select 'final_accounts' as check_family, document_id, 'final_listed_tables_present' as check_name,
    coalesce(tables_missing, 'all listed tables') as subject,
    null as expected_wan, null as actual_wan, null as tolerance_wan,
    case when tables_missing is not null then 'missing: ' || tables_missing else 'contents' end as cells,
    tables_missing is null as passed
from final_documents
{%- endmacro %}
