{{ incremental_by_document_config('current') }}
-- Projects of the 一般公共预算项目支出 table, with their economic breakdown.
with pivoted as (

    select * from {{ ref('int_subject_amounts_pivoted') }}
    where {{ document_filter() }} and table_kind = 'project_expenditure' and row_kind = 'subject' and project_name is not null

),

final as (

    select
        unit_key || '-' || cast(year as varchar) || '-' || lpad(cast(row_seq as varchar), 4, '0') as project_key,
        unit_key,
        cast(year as integer) as year,
        subject_code,
        project_name,
        cast(total_wan as decimal(20, 6)) as amount_wan,
        cast(wages_wan as decimal(20, 6)) as wages_wan,
        cast(goods_services_wan as decimal(20, 6)) as goods_services_wan,
        cast(household_transfers_wan as decimal(20, 6)) as household_transfers_wan,
        cast(capital_wan as decimal(20, 6)) as capital_wan,
        cast(enterprise_subsidies_wan as decimal(20, 6)) as enterprise_subsidies_wan,
        cast(social_security_fund_wan as decimal(20, 6)) as social_security_fund_wan,
        document_id,
        source_line,
        page,
        read_method,
        ocr_confidence
    from pivoted

)

select * from final
