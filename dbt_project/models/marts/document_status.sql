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
            when is_loadable_final and not is_current_final then 'superseded'
            else status
        end as status,
        case
            when is_loadable and not is_current and file_name > current_file_name
                then 'an earlier document for the same unit, scope and year reads more completely and stays current ('
                    || current_file_name || '); this later file read ' || coalesce(tables_found, 0)
                    || ' tables and ' || rows_read || ' rows with figures: check it (pages rotated? a damaged upload?): '
                    || coalesce(reason, '')
            when is_loadable and not is_current
                then 'another document for the same unit, scope and year is current: ' || coalesce(reason, '')
            when is_loadable_final and not is_current_final
                then 'another final-accounts document for the same unit, scope and year is current: ' || coalesce(reason, '')
            when is_current_final
                then replace(
                        reason,
                        'recognised, not read into the budget facts',
                        'read into the final-accounts facts (fct_final_*, mart_final_unit_year), kept out of the budget facts'
                    )
            else reason
        end as reason,
        tables_found,
        tables_missing,
        page_count,
        is_current,
        is_current_final
    from documents

)

select * from final
