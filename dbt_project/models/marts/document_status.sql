-- One row per raw file: what was read, what is missing and why. A document with pages read by
-- OCR whose figures fail their own sums is partial, the failing checks named (dq_check_result
-- proposes the one-digit corrections): OCR misreads digits, the identities decide.
with documents as (

    select * from {{ ref('int_documents_ranked') }}

),

checks as (

    select * from {{ ref('dq_check_result') }}

),

ocr_failures as (

    select
        checks.document_id,
        string_agg(
            checks.check_name || coalesce(' (' || checks.subject || ')', ''), ', '
            order by checks.check_family, checks.check_name, checks.subject
        ) as failing_checks,
        -- one misread figure explains them all: every failing check is off by the same one digit
        count(*) filter (where checks.proposed_correction is null) = 0
        and count(distinct abs(checks.difference_wan)) = 1 as is_one_digit_off
    from checks
    inner join documents on checks.document_id = documents.document_id
    where documents.pages_ocr > 0 and checks.status = 'fail'
    group by checks.document_id

),

final as (

    select
        documents.document_id,
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
            when ocr_failures.document_id is not null and status = 'loaded' then 'partial'
            else status
        end as status,
        case
            when is_loadable and not is_current and file_name > current_file_name
                then 'an earlier document for the same unit, scope and year reads more completely and stays current ('
                    || current_file_name || '); this later file read ' || coalesce(tables_found, 0)
                    || ' tables and ' || rows_read || ' rows with figures: check it (pages rotated? a damaged upload?): '
                    || coalesce(reason, '')
            when ocr_failures.document_id is not null and not (is_loadable and not is_current)
                then 'figures read by OCR fail their checks: ' || ocr_failures.failing_checks
                    || case
                        when ocr_failures.is_one_digit_off
                            then ' (one misread digit fixes every one of them: dq_check_result.proposed_correction); '
                        else ' (dq_check_result.proposed_correction names one-digit corrections where one fixes a check); '
                    end || coalesce(reason, '')
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
        pages_ocr,
        is_current,
        is_current_final
    from documents
    left join ocr_failures on documents.document_id = ocr_failures.document_id

)

select * from final
