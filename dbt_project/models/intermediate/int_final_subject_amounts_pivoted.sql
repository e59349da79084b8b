-- Subject tables of current final accounts (部门决算) pivoted to one row per document, table and
-- table row: the same measures as the budget's subject tables plus those only 决算 tables print.
{%- set measures = {} %}
{%- do measures.update(var('subject_measures')) %}
{%- do measures.update(var('final_subject_measures')) %}
with amounts as (

    {{ rows_of_current_documents(ref('stg_parsed__subject_amounts'), phase='final') }}

),

pivoted as (

    select
        document_id,
        unit_key,
        year,
        table_kind,
        row_seq,
        any_value(row_kind) as row_kind,
        any_value(subject_code) as subject_code,
        any_value(subject_name) as subject_name,
        any_value(source_line) as source_line,
        any_value(page) as page,
        {{ read_provenance() }},
        {{ pivot('measure', measures, 'amount_wan') }}
    from amounts
    group by document_id, unit_key, year, table_kind, row_seq

),

final as (

    select * from pivoted

)

select * from final
