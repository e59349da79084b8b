{{ incremental_by_document_config('loaded') }}
-- A disclosure-completeness score per document, in the spirit of fiscal-transparency indices:
-- which standard tables and statements are present, non-empty where a budget must have
-- figures, and consistent. Score = items met / items checked × 100; missing items listed.
-- Every item is about the document alone, so only new documents are scored on a nightly run.
with documents as (

    select * from {{ ref('int_documents_ranked') }}
    where {{ document_filter() }} and (status in ('loaded', 'partial') or is_current_final)

),

tables as (

    select * from {{ ref('stg_parsed__tables') }}
    where {{ document_filter() }}

),

facts as (

    select * from {{ ref('stg_parsed__narrative_facts') }}
    where {{ document_filter() }}

),

changes as (

    select * from {{ ref('stg_parsed__budget_changes') }}
    where {{ document_filter() }}

),

checks as (

    select * from {{ ref('dq_check_result') }}
    where {{ document_filter() }}

),

required_tables as (

    -- the standard tables of each phase: a budget's twelve, the nine of the final-accounts template
    select
        'budget' as phase,
        unnest([
            'budget_summary', 'income', 'expenditure', 'fiscal_summary', 'gpb_expenditure', 'basic_expenditure',
            'project_expenditure', 'government_fund', 'state_capital', 'three_public', 'carryover'
        ]) as table_kind
    union all
    select
        'final' as phase,
        unnest([
            'budget_summary', 'income', 'expenditure', 'fiscal_summary', 'gpb_expenditure', 'basic_expenditure',
            'government_fund', 'state_capital', 'three_public'
        ]) as table_kind

),

items as (

    -- every standard table is present (an empty table counts: it was disclosed)
    select
        documents.document_id,
        'table:' || required_tables.table_kind as item,
        exists(
            select 1 from tables
            where tables.document_id = documents.document_id and tables.table_kind = required_tables.table_kind
        ) as met
    from documents inner join required_tables on documents.phase = required_tables.phase

    union all

    -- the tables a budget cannot leave empty carry figures
    select
        documents.document_id,
        'figures:' || kind,
        exists(
            select 1 from tables
            where tables.document_id = documents.document_id and tables.table_kind = kind and not tables.is_empty
        )
    from documents cross join (select unnest(['budget_summary', 'expenditure', 'basic_expenditure']) as kind) as required_figures

    union all

    -- an empty table says so
    select
        documents.document_id,
        'empty_statement:' || tables.table_kind,
        tables.has_empty_statement
    from documents inner join tables on documents.document_id = tables.document_id
    where tables.is_empty

    union all

    select
        documents.document_id,
        'statement:' || kind,
        exists(
            select 1 from facts
            -- a 决算 states them as executed (pipeline/narrative/execution.py: final_three_public, final_procurement …)
            where facts.document_id = documents.document_id
                and facts.fact_kind = case when documents.phase = 'final' then 'final_' || kind else kind end
        )
    from documents cross join (select unnest(['three_public', 'operating_funds', 'procurement', 'assets', 'performance']) as kind) as statements

    union all

    -- final accounts state the 一般公共预算 budget against the actual (年初预算 … 支出决算 …)
    select
        documents.document_id,
        'statement:execution',
        exists(
            select 1 from facts
            where facts.document_id = documents.document_id and facts.fact_kind = 'execution'
        )
    from documents
    where documents.phase = 'final'

    union all

    select
        documents.document_id,
        'statement:year_over_year',
        exists(
            select 1 from changes
            where changes.document_id = documents.document_id
        )
    from documents

    union all

    select
        documents.document_id,
        'consistent:reconciliation_checks',
        not exists (
            select 1 from checks
            where checks.document_id = documents.document_id and checks.status = 'fail'
        )
    from documents

),

final as (

    select
        items.document_id,
        documents.unit_key,
        cast(documents.year as integer) as year,
        any_value(documents.phase) as phase,
        cast(count(*) as integer) as items_checked,
        cast(count(*) filter (where met) as integer) as items_met,
        round(100.0 * count(*) filter (where met) / count(*), 1) as completeness_score,
        coalesce(string_agg(item, ', ' order by item) filter (where not met), '') as missing_items
    from items
    inner join documents on items.document_id = documents.document_id
    group by items.document_id, documents.unit_key, documents.year

)

select * from final
