-- Every functional (类/款/项) and economic (类/款) subject the documents use, one canonical
-- name per code (the most frequent spelling), with its level and parent.
with amounts as (

    select * from {{ ref('stg_parsed__subject_amounts') }}

),

economic_classes as (

    select * from {{ ref('economic_classes') }}

),

named as (

    select
        subject_code,
        case when table_kind = 'basic_expenditure' then 'economic' else 'function' end as classification,
        subject_name
    from amounts
    where subject_code is not null and row_kind = 'subject'

    union all

    select subject_code, 'economic' as classification, subject_name from economic_classes

),

canonical as (

    select
        subject_code,
        classification,
        mode(subject_name) filter (where subject_name is not null and subject_name <> '') as subject_name
    from named
    group by subject_code, classification

),

final as (

    select
        subject_code,
        subject_name,
        classification,
        cast(case length(subject_code) when 3 then 1 when 5 then 2 else 3 end as integer) as level,
        case when length(subject_code) > 3 then left(subject_code, length(subject_code) - 2) end as parent_code
    from canonical

)

select * from final
