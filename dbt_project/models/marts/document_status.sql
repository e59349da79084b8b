-- One row per raw file: what was read, what is missing and why.
with documents as (

    select * from {{ ref('int_documents_ranked') }}

),

final as (

    select
        document_id,
        file_name,
        sha256,
        layout,
        unit_name,
        doc_kind,
        phase,
        content,
        unit_key,
        cast(year as integer) as year,
        case
            when is_loadable and not is_current then 'superseded'
            else status
        end as status,
        case
            when is_loadable and not is_current
                then 'another document for the same unit, scope and year is current: ' || coalesce(reason, '')
            else reason
        end as reason,
        tables_found,
        tables_missing,
        page_count,
        is_current
    from documents

)

select * from final
