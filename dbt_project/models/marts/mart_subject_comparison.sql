-- Subjects × units: one query pivots "who spends what on 社会保险经办机构 (2080109)".
with appropriation as (

    select * from {{ ref('fct_appropriation') }}

),

economic as (

    select * from {{ ref('fct_economic_spending') }}
    where spending_type = 'basic'

),

unit_years as (

    select * from {{ ref('mart_unit_year') }}

),

subjects as (

    select * from {{ ref('dim_subject') }}

),

units as (

    select * from {{ ref('dim_unit') }}

),

combined as (

    select
        unit_key,
        year,
        'function' as classification,
        subject_code,
        total_wan,
        basic_wan,
        project_wan
    from appropriation

    union all

    select
        unit_key,
        year,
        'economic',
        subject_code,
        total_wan,
        null,
        null
    from economic

),

final as (

    select
        combined.unit_key,
        units.unit_name,
        units.admin_code,
        units.level as unit_level,
        cast(combined.year as integer) as year,
        combined.classification,
        combined.subject_code,
        subjects.subject_name,
        subjects.level as subject_level,
        cast(combined.total_wan as decimal(20, 6)) as total_wan,
        cast(combined.basic_wan as decimal(20, 6)) as basic_wan,
        cast(combined.project_wan as decimal(20, 6)) as project_wan,
        cast(combined.total_wan / nullif(
            case when combined.classification = 'function' then unit_years.expenditure_total_wan else unit_years.basic_wan end, 0
        ) as double) as share_of_unit_total
    from combined
    inner join units on combined.unit_key = units.unit_key
    left join subjects on combined.subject_code = subjects.subject_code and combined.classification = subjects.classification
    left join unit_years on combined.unit_key = unit_years.unit_key and combined.year = unit_years.year

)

select * from final
