-- Documents whose rows break an invariant the facts are keyed on. Such a document is kept out
-- of every fact (int_documents_ranked: not loadable) and reported in document_status as
-- 'rejected', naming the invariant and the table; every other document publishes.
--
-- subject_code_once_per_table: a functional or economic subject appears once among the subject
-- rows of 收入 / 支出 / 基本支出 (fct_appropriation and fct_economic_spending are keyed on it).
-- A continuation page that repeats rows with the same amounts is collapsed by the parser;
-- what reaches this check is the same code with different amounts.
with amounts as (

    select * from {{ ref('stg_parsed__subject_amounts') }}

),

tables as (

    select
        document_id,
        table_kind,
        min(title) as title
    from {{ ref('stg_parsed__tables') }}
    group by all

),

repeated_codes as (

    select
        document_id,
        table_kind,
        subject_code,
        string_agg(distinct coalesce('page ' || page, 'line ' || source_line), ', ' order by coalesce('page ' || page, 'line ' || source_line)) as places
    from amounts
    where row_kind = 'subject'
        and subject_code is not null
        and table_kind in ('income', 'expenditure', 'basic_expenditure')
    group by document_id, table_kind, subject_code
    having count(distinct row_seq) > 1

),

final as (

    select
        repeated_codes.document_id,
        'subject_code_once_per_table' as invariant,
        string_agg(
            coalesce(tables.title, repeated_codes.table_kind) || ': subject ' || repeated_codes.subject_code
            || ' appears more than once (' || repeated_codes.places || ')',
            '; ' order by repeated_codes.table_kind, repeated_codes.subject_code
        ) as detail
    from repeated_codes
    left join tables
        on repeated_codes.document_id = tables.document_id
            and repeated_codes.table_kind = tables.table_kind
    group by repeated_codes.document_id

)

select * from final
