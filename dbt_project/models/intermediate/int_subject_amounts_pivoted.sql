-- Subject tables pivoted to one row per document, table and table row (current documents only).
with amounts as (

    select * from {{ ref('stg_parsed__subject_amounts') }}

),

documents as (

    select * from {{ ref('int_documents_ranked') }}
    where is_current

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
        {{ read_provenance('amounts.') }},
        {{ pivot('measure', var('subject_measures'), 'amount_wan') }}
    from amounts
    inner join documents on amounts.document_id = documents.document_id
    group by amounts.document_id, documents.unit_key, documents.year, amounts.table_kind, amounts.row_seq

),

final as (

    select * from pivoted

)

select * from final
