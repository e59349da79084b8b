-- One row per year-over-year statement of the narrative.
with source as (

    select * from {{ source('parsed', 'budget_changes') }}

),

final as (

    select
        document_id,
        statement_seq,
        section,
        item_kind,
        item_label,
        subject_path,
        stated_subject_code,
        current_wan,
        change_wan,
        change_pct,
        change_pct_decimals,
        prior_basis,
        sentence,
        source_line,
        page,
        read_method,
        ocr_confidence
    from source

)

select * from final
