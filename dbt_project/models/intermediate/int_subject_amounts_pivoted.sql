-- Subject tables pivoted to one row per document, table and table row (current documents only).
with amounts as (

    select * from {{ ref('stg_parsed__subject_amounts') }}

),

documents as (

    select * from {{ ref('int_documents_ranked') }} where is_current

),

pivoted as (

    select
        amounts.document_id,
        documents.unit_key,
        documents.year,
        amounts.table_kind,
        amounts.row_seq,
        any_value(amounts.row_kind) as row_kind,
        any_value(amounts.subject_code) as subject_code,
        any_value(amounts.subject_name) as subject_name,
        any_value(amounts.project_name) as project_name,
        any_value(amounts.source_line) as source_line,
        any_value(amounts.page) as page,
        max(case when measure = 'total' then amount_wan end) as total_wan,
        max(case when measure = 'basic' then amount_wan end) as basic_wan,
        max(case when measure = 'project' then amount_wan end) as project_wan,
        max(case when measure = 'personnel' then amount_wan end) as personnel_wan,
        max(case when measure = 'public' then amount_wan end) as public_wan,
        max(case when measure = 'subtotal' then amount_wan end) as fiscal_subtotal_wan,
        max(case when measure = 'general_public_budget' then amount_wan end) as general_public_budget_wan,
        max(case when measure = 'upper_transfer' then amount_wan end) as upper_transfer_wan,
        max(case when measure = 'government_fund' then amount_wan end) as government_fund_wan,
        max(case when measure = 'upper_fund_transfer' then amount_wan end) as upper_fund_transfer_wan,
        max(case when measure = 'state_capital' then amount_wan end) as state_capital_wan,
        max(case when measure = 'special_account' then amount_wan end) as special_account_wan,
        max(case when measure = 'unit_funds' then amount_wan end) as unit_funds_wan,
        max(case when measure = 'fiscal_carryover' then amount_wan end) as fiscal_carryover_wan,
        max(case when measure = 'nonfiscal_carryover' then amount_wan end) as nonfiscal_carryover_wan,
        max(case when measure = 'econ_301' then amount_wan end) as wages_wan,
        max(case when measure = 'econ_302' then amount_wan end) as goods_services_wan,
        max(case when measure = 'econ_303' then amount_wan end) as household_transfers_wan,
        max(case when measure = 'econ_310' then amount_wan end) as capital_wan,
        max(case when measure = 'econ_312' then amount_wan end) as enterprise_subsidies_wan,
        max(case when measure = 'econ_313' then amount_wan end) as social_security_fund_wan
    from amounts
    inner join documents on amounts.document_id = documents.document_id
    group by amounts.document_id, documents.unit_key, documents.year, amounts.table_kind, amounts.row_seq

),

final as (

    select * from pivoted

)

select * from final
