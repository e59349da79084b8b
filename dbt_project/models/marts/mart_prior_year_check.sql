-- Where documents for consecutive years exist: does the prior figure this year's narrative
-- states (last year's budget) equal what last year's document published? Disagreements are listed.
with changes as (

    select * from {{ ref('fct_budget_change') }}
    where prior_basis = 'budget'

),

unit_years as (

    select * from {{ ref('mart_unit_year') }}

),

appropriation as (

    select * from {{ ref('fct_appropriation') }}

),

stated as (

    select
        unit_key,
        year,
        item_kind,
        subject_code,
        item_label,
        prior_wan,
        document_id,
        source_line,
        page,
        read_method,
        ocr_confidence,
        case
            when item_kind = 'basic' and section = 'expenditure' then 'basic_wan'
            when item_kind = 'project' and section = 'expenditure' then 'project_wan'
            when item_kind = 'three_public_total' then 'three_public_total_wan'
            when item_kind = 'operating_funds' then 'operating_funds_wan'
            when item_kind = 'function_item' and subject_code is not null then 'subject_total_wan'
        end as compared_figure
    from changes

),

published as (

    select
        stated.*,
        case stated.compared_figure
            when 'basic_wan' then previous.basic_wan
            when 'project_wan' then previous.project_wan
            when 'three_public_total_wan' then previous.three_public_total_wan
            when 'operating_funds_wan' then previous.operating_funds_wan
            when 'subject_total_wan' then previous_subject.total_wan
        end as previous_document_wan,
        previous.document_id as previous_document_id
    from stated
    inner join unit_years as previous
        on stated.unit_key = previous.unit_key and previous.year = stated.year - 1
    left join appropriation as previous_subject
        on stated.unit_key = previous_subject.unit_key
            and previous_subject.year = stated.year - 1
            and stated.subject_code = previous_subject.subject_code
    where stated.compared_figure is not null

),

final as (

    select
        unit_key,
        cast(year as integer) as year,
        item_kind,
        subject_code,
        item_label,
        cast(prior_wan as decimal(20, 6)) as stated_prior_wan,
        cast(previous_document_wan as decimal(20, 6)) as previous_document_wan,
        cast(prior_wan - previous_document_wan as decimal(20, 6)) as difference_wan,
        abs(prior_wan - previous_document_wan) <= 0.01 as agrees,
        document_id,
        previous_document_id,
        source_line,
        page,
        read_method,
        ocr_confidence
    from published

)

select * from final
