-- Headline figures per unit and year, each from the table or statement that states it.
with current_documents as (

    select * from {{ ref('int_documents_ranked') }}
    where is_current

),

-- one row per unit and year: its tables document, or its narrative part where that is all there is
documents as (

    select * from current_documents
    qualify row_number() over (partition by unit_key, year order by has_tables desc, file_name desc) = 1

),

-- the document that states the unit-year's narrative (the same file, or the other file of a two-file disclosure)
narrative_source as (

    select
        unit_key,
        year,
        document_id as narrative_document_id
    from current_documents
    where content <> 'tables'
    qualify row_number() over (partition by unit_key, year order by content = 'narrative', file_name desc) = 1

),

-- pages read by OCR in the unit-year's documents (its tables and its narrative, one file or two)
ocr_pages as (

    select
        unit_key,
        year,
        sum(pages_ocr) as pages_ocr
    from current_documents
    group by unit_key, year

),

units as (

    select * from {{ ref('dim_unit') }}

),

items as (

    select * from {{ ref('int_line_items_current') }}

),

pivoted as (

    select * from {{ ref('int_subject_amounts_pivoted') }}
    where row_kind = 'total'

),

facts as (

    select * from {{ ref('int_narrative_facts_current') }}

),

three_public as (

    select * from {{ ref('fct_three_public') }}

),

changes as (

    select * from {{ ref('fct_budget_change') }}
    where prior_basis = 'budget'

),

stated_prior as (

    -- last year's budget as this year's narrative states it
    select
        document_id,
        max(case when item_kind = 'basic' and section = 'expenditure' then prior_wan end) as basic_prior_wan,
        max(case when item_kind = 'project' and section = 'expenditure' then prior_wan end) as project_prior_wan,
        max(case when item_kind = 'three_public_total' then prior_wan end) as three_public_stated_prior_wan,
        max(case when item_kind = 'three_public_total' then change_wan end) as three_public_change_wan,
        max(case when item_kind = 'operating_funds' then prior_wan end) as operating_funds_prior_wan
    from changes
    group by document_id

),

summary as (

    select
        document_id,
        max(case when item_key = 'income_total' then amount_wan end) as total_budget_wan,
        max(case when item_key = 'current_year_income' then amount_wan end) as current_year_income_wan,
        max(case when item_key = 'general_public_budget' then amount_wan end) as general_public_budget_wan,
        max(case when item_key = 'upper_transfer' then amount_wan end) as upper_transfer_wan,
        max(case when item_key = 'carryover' then amount_wan end) as carryover_wan
    from items
    where table_kind = 'budget_summary' and side = 'income' and measure = 'total'
    group by document_id

),

-- the 收支总表's expenditure block by purpose (人员经费和公用经费支出 / 专项业务经费支出)
summary_split as (

    select
        document_id,
        max(case when item_key = 'basic' then amount_wan end) as basic_wan,
        max(case when item_key = 'project' then amount_wan end) as project_wan
    from items
    where table_kind = 'budget_summary' and side = 'expenditure' and measure = 'total'
    group by document_id

),

-- total rows of 支出总表 and 一般公共预算支出; 基本 is 人员 + 公用 where a template prints those
-- two without a 基本 subtotal
table_totals as (

    select
        document_id,
        table_kind,
        max(total_wan) as total_wan,
        coalesce(max(basic_wan), max(personnel_wan) + max(public_wan)) as basic_wan,
        max(project_wan) as project_wan
    from pivoted
    where table_kind in ('expenditure', 'gpb_expenditure')
    group by document_id, table_kind

),

expenditure_totals as (

    select
        document_id,
        total_wan as expenditure_total_wan,
        basic_wan,
        project_wan
    from table_totals
    where table_kind = 'expenditure'

),

-- a 支出总表 by unit and fund (no 基本/项目 columns): the 一般公共预算 table splits the same
-- total into 基本 and 项目 when the whole budget is 一般公共预算 (its total equals the 支出总表's)
gpb_totals as (

    select
        document_id,
        total_wan as gpb_total_wan,
        basic_wan,
        project_wan
    from table_totals
    where table_kind = 'gpb_expenditure'

),

-- 人员经费 and 公用经费 as the 基本支出 table's total row states them; where it has no such
-- columns, by their definition from its classes: 人员 = 工资福利支出 (301) + 对个人和家庭的补助
-- (303), 公用 = the other classes
basic_totals as (

    select
        document_id,
        coalesce(
            max(case when row_kind = 'total' then personnel_wan end),
            sum(case when row_kind = 'subject' and subject_code in ('301', '303') then total_wan end)
        ) as personnel_wan,
        coalesce(
            max(case when row_kind = 'total' then public_wan end),
            sum(case when row_kind = 'subject' and length(subject_code) = 3 and subject_code not in ('301', '303') then total_wan end)
        ) as public_wan
    from {{ ref('int_subject_amounts_pivoted') }}
    where table_kind = 'basic_expenditure'
    group by document_id

),

-- the 财政拨款收支总表's 一般公共预算 line, for a 收支总表 that prints only 财政拨款 as one line
fiscal_summary as (

    select
        document_id,
        max(case when item_key = 'general_public_budget' then amount_wan end) as general_public_budget_wan
    from items
    where table_kind = 'fiscal_summary' and side = 'income' and measure = 'total'
    group by document_id

),

narrative as (

    select
        document_id,
        max(case when fact_kind = 'operating_funds' then value end) as operating_funds_wan,
        max(case when fact_key = 'procurement_total' then value end) as procurement_total_wan,
        max(case when fact_key = 'authorized_staff' then value end) as authorized_staff,
        max(case when fact_key = 'actual_staff' then value end) as actual_staff
    from facts
    group by document_id

),

final as (

    select
        documents.unit_key,
        units.unit_name,
        documents.doc_kind,
        cast(documents.year as integer) as year,
        cast(summary.total_budget_wan as decimal(20, 6)) as total_budget_wan,
        cast(summary.current_year_income_wan as decimal(20, 6)) as current_year_income_wan,
        cast(coalesce(summary.general_public_budget_wan, fiscal_summary.general_public_budget_wan) as decimal(20, 6))
            as general_public_budget_wan,
        cast(summary.upper_transfer_wan as decimal(20, 6)) as upper_transfer_wan,
        cast(summary.carryover_wan as decimal(20, 6)) as carryover_wan,
        cast(expenditure_totals.expenditure_total_wan as decimal(20, 6)) as expenditure_total_wan,
        cast(coalesce(
            expenditure_totals.basic_wan,
            case when gpb_totals.gpb_total_wan = expenditure_totals.expenditure_total_wan then gpb_totals.basic_wan end,
            summary_split.basic_wan
        ) as decimal(20, 6)) as basic_wan,
        cast(coalesce(
            expenditure_totals.project_wan,
            case when gpb_totals.gpb_total_wan = expenditure_totals.expenditure_total_wan then gpb_totals.project_wan end,
            summary_split.project_wan
        ) as decimal(20, 6)) as project_wan,
        cast(basic_totals.personnel_wan as decimal(20, 6)) as personnel_wan,
        cast(basic_totals.public_wan as decimal(20, 6)) as public_wan,
        cast(three_public.total_wan as decimal(20, 6)) as three_public_total_wan,
        cast(narrative.operating_funds_wan as decimal(20, 6)) as operating_funds_wan,
        cast(narrative.procurement_total_wan as decimal(20, 6)) as procurement_total_wan,
        cast(narrative.authorized_staff as integer) as authorized_staff,
        cast(narrative.actual_staff as integer) as actual_staff,
        documents.document_id,
        cast(coalesce(ocr_pages.pages_ocr, 0) as integer) as pages_ocr,
        stated_prior.basic_prior_wan,
        stated_prior.project_prior_wan,
        -- “三公经费预算比上年增加 X” often omits this year's figure: take it from the 三公 table
        coalesce(stated_prior.three_public_stated_prior_wan, three_public.total_wan - stated_prior.three_public_change_wan)
            as three_public_prior_wan,
        stated_prior.operating_funds_prior_wan
    from documents
    inner join units on documents.unit_key = units.unit_key
    left join summary on documents.document_id = summary.document_id
    left join expenditure_totals on documents.document_id = expenditure_totals.document_id
    left join gpb_totals on documents.document_id = gpb_totals.document_id
    left join summary_split on documents.document_id = summary_split.document_id
    left join basic_totals on documents.document_id = basic_totals.document_id
    left join fiscal_summary on documents.document_id = fiscal_summary.document_id
    left join narrative_source on documents.unit_key = narrative_source.unit_key and documents.year = narrative_source.year
    left join narrative on narrative_source.narrative_document_id = narrative.document_id
    left join three_public on documents.document_id = three_public.document_id
    left join stated_prior on narrative_source.narrative_document_id = stated_prior.document_id
    left join ocr_pages on documents.unit_key = ocr_pages.unit_key and documents.year = ocr_pages.year

),

with_ratios as (

    select
        * exclude (basic_prior_wan, project_prior_wan, three_public_prior_wan, operating_funds_prior_wan),
        cast(personnel_wan / nullif(basic_wan, 0) as double) as personnel_share_of_basic,
        cast(project_wan / nullif(expenditure_total_wan, 0) as double) as project_share_of_total,
        cast(three_public_total_wan / nullif(total_budget_wan, 0) as double) as three_public_per_wan_of_total,
        cast(operating_funds_wan / nullif(total_budget_wan, 0) as double) as operating_funds_share_of_total,
        cast(upper_transfer_wan / nullif(current_year_income_wan, 0) as double) as upper_transfer_share_of_income,
        cast(basic_prior_wan as decimal(20, 6)) as basic_prior_wan,
        cast(project_prior_wan as decimal(20, 6)) as project_prior_wan,
        cast(three_public_prior_wan as decimal(20, 6)) as three_public_prior_wan,
        cast(operating_funds_prior_wan as decimal(20, 6)) as operating_funds_prior_wan,
        cast((basic_wan - basic_prior_wan) / nullif(basic_prior_wan, 0) as double) as basic_yoy,
        cast((project_wan - project_prior_wan) / nullif(project_prior_wan, 0) as double) as project_yoy,
        cast((three_public_total_wan - three_public_prior_wan) / nullif(three_public_prior_wan, 0) as double) as three_public_yoy,
        cast((operating_funds_wan - operating_funds_prior_wan) / nullif(operating_funds_prior_wan, 0) as double) as operating_funds_yoy
    from final

)

select * from with_ratios
