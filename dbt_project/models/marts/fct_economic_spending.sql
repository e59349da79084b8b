{{ incremental_by_document_config('current') }}
-- Spending by economic subject: the 基本支出 table (basic: personnel / public) and the
-- economic columns of the 项目支出 table (project, by 类).
with pivoted as (

    select * from {{ ref('int_subject_amounts_pivoted') }}
    where {{ document_filter() }}

),

amounts as (

    select * from {{ ref('stg_parsed__subject_amounts') }}
    where {{ document_filter() }}

),

documents as (

    select * from {{ ref('int_documents_ranked') }}
    where is_current

),

basic as (

    select
        unit_key,
        year,
        subject_code,
        'basic' as spending_type,
        total_wan,
        personnel_wan,
        public_wan,
        document_id,
        source_line,
        page,
        read_method,
        ocr_confidence
    from pivoted
    where table_kind = 'basic_expenditure' and row_kind = 'subject'

),

project_columns as (

    select
        amounts.document_id,
        substr(amounts.measure, 6) as subject_code,
        max(case when amounts.row_kind = 'total' then amounts.amount_wan end) as stated_wan,
        sum(case when amounts.row_kind = 'subject' and amounts.project_name is not null then amounts.amount_wan end) as summed_wan,
        {{ first_source_place('amounts.') }},
        {{ read_provenance('amounts.') }}
    from amounts
    where amounts.table_kind = 'project_expenditure' and amounts.measure like 'econ_%'
    group by amounts.document_id, substr(amounts.measure, 6)

),

project as (

    select
        documents.unit_key,
        documents.year,
        project_columns.subject_code,
        'project' as spending_type,
        coalesce(project_columns.stated_wan, project_columns.summed_wan) as total_wan,
        cast(null as decimal(20, 6)) as personnel_wan,
        cast(null as decimal(20, 6)) as public_wan,
        project_columns.document_id,
        project_columns.source_line,
        project_columns.page,
        project_columns.read_method,
        project_columns.ocr_confidence
    from project_columns
    inner join documents on project_columns.document_id = documents.document_id
    where coalesce(project_columns.stated_wan, project_columns.summed_wan) is not null

),

final as (

    select
        unit_key,
        cast(year as integer) as year,
        subject_code,
        spending_type,
        cast(total_wan as decimal(20, 6)) as total_wan,
        cast(personnel_wan as decimal(20, 6)) as personnel_wan,
        cast(public_wan as decimal(20, 6)) as public_wan,
        document_id,
        source_line,
        page,
        read_method,
        ocr_confidence
    from (
        select * from basic
        union all
        select * from project
    ) as spending

)

select * from final
