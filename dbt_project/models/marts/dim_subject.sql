-- Every functional (类/款/项) and economic (类/款) subject, one canonical name per code (from
-- the subject_names seed, else the most frequent spelling), with its level and parent.
with amounts as (

    select * from {{ ref('stg_parsed__subject_amounts') }}

),

economic_subjects as (

    select * from {{ ref('economic_subjects') }}

),

seeded as (

    select * from {{ ref('subject_names') }}

),

named as (

    select
        subject_code,
        case when table_kind = 'basic_expenditure' then 'economic' else 'function' end as classification,
        replace(subject_name, ' ', '') as subject_name
    from amounts
    where subject_code is not null and row_kind = 'subject'

    union all

    select
        subject_code,
        'economic' as classification,
        subject_name
    from economic_subjects

    union all

    select
        subject_code,
        classification,
        subject_name
    from seeded

),

-- the most frequent spelling of each code (ties: the first in sort order, so every build agrees)
most_frequent as (

    select
        subject_code,
        classification,
        subject_name
    from named
    where subject_name is not null and subject_name <> ''
    group by subject_code, classification, subject_name
    qualify row_number() over (partition by subject_code, classification order by count(*) desc, subject_name) = 1

),

canonical as (

    select
        named.subject_code,
        named.classification,
        coalesce(any_value(seeded.subject_name), any_value(most_frequent.subject_name)) as subject_name,
        count(distinct named.subject_name) filter (where named.subject_name <> '') as spellings
    from named
    left join seeded
        on named.subject_code = seeded.subject_code and named.classification = seeded.classification
    left join most_frequent
        on named.subject_code = most_frequent.subject_code and named.classification = most_frequent.classification
    group by named.subject_code, named.classification

),

final as (

    select
        subject_code,
        subject_name,
        classification,
        cast(case length(subject_code) when 3 then 1 when 5 then 2 else 3 end as integer) as level,
        case when length(subject_code) > 3 then left(subject_code, length(subject_code) - 2) end as parent_code,
        cast(spellings as integer) as spellings
    from canonical

)

select * from final
