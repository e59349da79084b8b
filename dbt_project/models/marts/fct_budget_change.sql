{{ incremental_by_document_config('current') }}
-- Year-over-year statements: last year's figure = current − change; the stated percentage
-- is checked against change / prior (flagged, never dropped, when it disagrees beyond rounding).
with changes as (

    select * from {{ ref('int_budget_changes_resolved') }}
    where {{ document_filter() }}

),

documents as (

    select * from {{ ref('int_documents_ranked') }}
    where is_current

),

final as (

    select
        documents.unit_key,
        cast(documents.year as integer) as year,
        changes.statement_seq,
        changes.section,
        changes.item_kind,
        changes.item_label,
        changes.subject_code,
        cast(changes.current_wan as decimal(20, 6)) as current_wan,
        cast(changes.change_wan as decimal(20, 6)) as change_wan,
        cast(changes.change_pct as decimal(20, 4)) as change_pct,
        cast(changes.prior_wan as decimal(20, 6)) as prior_wan,
        changes.prior_basis,
        changes.pct_consistent,
        changes.sentence,
        changes.document_id,
        changes.source_line,
        changes.page,
        changes.read_method,
        changes.ocr_confidence
    from changes
    inner join documents on changes.document_id = documents.document_id

)

select * from final
