{{ incremental_by_document_config('read') }}
-- Reconciliation checks on every document, in five families (macros/checks/):
--   totals       a table's own sums (类 = Σ款, 款 = Σ项, 总计 = Σ类, 合计 = 基本 + 项目 = 人员 + 公用 …)
--   cross_table  tables that restate each other, and factor-10,000 errors between them
--   narrative    the 情况说明 restating the tables, and its percentages = change / prior
--   text         空表 statements, discloser names, one name per subject code
--   final_accounts  a 部门决算's own identities, its tables against each other, its narrative's
--                stated 完成% / 大于 / 小于 against the figures (final-phase documents only)
-- Tolerance (macros/tolerance.sql): half the last printed digit of each figure compared, in its
-- table's unit, converted to 万元; rounding never fails a check, a printing or conversion error
-- does. A failing document is still loaded, only flagged (one with pages read by OCR is partial,
-- document_status, and a check failing by one digit carries its proposed_correction).
with checks as (

    select * from ({{ totals_checks() }}) as totals
    union all by name
    select * from ({{ cross_table_checks() }}) as cross_table
    -- a 决算's 基本支出 table prints 人员经费合计 | 公用经费合计, no total: final_accounts checks it
    where not (
            check_name = 'basic_table_equals_gpb_basic'
            and document_id in (
                select document_id from {{ ref('stg_parsed__documents') }}
                where phase = 'final'
            )
        )
    union all by name
    select * from ({{ narrative_checks() }}) as narrative
    union all by name
    select * from ({{ text_checks() }}) as text_checks
    union all by name
    select * from ({{ final_accounts_checks() }}) as final_accounts
    union all by name
    -- a cell of a page read by OCR that looks like a figure but is none (4,53440: a lost decimal
    -- point) fails: the parser names it (parse_problems) rather than read it as a blank
    select
        document_id,
        'ocr' as check_family,
        'ocr_figures_readable' as check_name,
        regexp_extract(problem, ': (''.*'') read by OCR', 1) as subject,
        regexp_extract(problem, '^page \d+ row \d+') as cells,
        false as passed
    from {{ ref('stg_parsed__parse_problems') }}
    where {{ document_filter() }} and problem like '%read by OCR is not a figure%'
    union all by name
    -- a subject code a keyed table prints on more than one row, one of them read by OCR: a
    -- misread code (the parser uncodes the OCR'd rows rather than reject the document)
    select
        document_id,
        'ocr' as check_family,
        'ocr_subject_code_once_per_table' as check_name,
        regexp_extract(problem, 'subject (\d+) read by OCR', 1) as subject,
        regexp_extract(problem, 'read by OCR on more than one row \(([^)]*)\)', 1) as cells,
        false as passed
    from {{ ref('stg_parsed__parse_problems') }}
    where {{ document_filter() }} and problem like '%read by OCR on more than one row%'

),

documents as (

    select * from {{ ref('int_documents_ranked') }}
    where {{ document_filter() }} and status <> 'duplicate'

),

tables as (

    select * from {{ ref('stg_parsed__tables') }}
    where {{ document_filter() }}

),

-- a check whose table the document does not carry cannot run: it says so, it does not pass
required_tables as (

    select * from (
        values
        ('totals', 'summary_income_equals_expenditure', 'budget_summary', '收支总表'),
        ('totals', 'basic_plus_project_expenditure', 'expenditure', '支出总表'),
        ('totals', 'personnel_plus_public_basic_expenditure', 'basic_expenditure', '基本支出表'),
        ('totals', 'three_public_items_sum_to_total', 'three_public', '“三公”经费表')
    ) as required (check_family, check_name, table_kind, table_label)

),

not_run as (

    select
        documents.document_id,
        required_tables.check_family,
        required_tables.check_name,
        required_tables.table_label as subject,
        'not run: the document has no ' || required_tables.table_label as cells
    from documents
    cross join required_tables
    where documents.has_tables and documents.status in ('loaded', 'partial')
        and not exists (
            select 1 from tables
            where tables.document_id = documents.document_id and tables.table_kind = required_tables.table_kind
        )

),

results as (

    select
        * exclude (passed),
        case when passed then 'pass' else 'fail' end as status
    from checks
    union all by name
    select
        *,
        'not_run' as status
    from not_run

),

final as (

    select
        results.document_id,
        documents.unit_key,
        cast(documents.year as integer) as year,
        results.check_name,
        results.subject,
        cast(results.expected_wan as decimal(20, 6)) as expected_wan,
        cast(results.actual_wan as decimal(20, 6)) as actual_wan,
        cast(
            case
                when results.expected_wan is not null or results.actual_wan is not null
                    then coalesce(results.actual_wan, 0) - coalesce(results.expected_wan, 0)
            end as decimal(20, 6)
        ) as difference_wan,
        cast(results.tolerance_wan as decimal(20, 6)) as tolerance_wan,
        results.cells,
        results.status,
        results.check_family,
        cast(results.expected_pct as decimal(20, 6)) as expected_pct,
        try_cast(results.actual_pct as decimal(20, 6)) as actual_pct,
        try_cast(results.actual_pct - results.expected_pct as decimal(20, 6)) as difference_pct,
        try_cast(results.tolerance_pct as decimal(20, 6)) as tolerance_pct,
        -- proposed, never applied: a document with pages read by OCR whose check fails by one digit
        case
            when results.status = 'fail' and documents.pages_ocr > 0
                then {{ one_digit_correction('results.expected_wan', 'results.actual_wan', 'results.tolerance_wan') }}
        end as proposed_correction
    from results
    inner join documents on results.document_id = documents.document_id

)

select * from final
