-- Each unit-year's metrics against its peers: units of the same level and type in the same
-- year (e.g. county-level 社会保险中心 in 2026). Rank 1 = largest value.
with unit_years as (

    select * from {{ ref('mart_unit_year') }}

),

units as (

    select * from {{ ref('dim_unit') }}

),

metrics as (

    unpivot (
        select
            unit_years.unit_key,
            unit_years.year,
            coalesce(units.level, 'unknown') as peer_level,
            coalesce(units.unit_type, 'unknown') as peer_unit_type,
            cast(unit_years.total_budget_wan as double) as total_budget_wan,
            cast(unit_years.basic_wan as double) as basic_wan,
            cast(unit_years.project_wan as double) as project_wan,
            cast(unit_years.personnel_wan as double) as personnel_wan,
            cast(unit_years.three_public_total_wan as double) as three_public_total_wan,
            cast(unit_years.operating_funds_wan as double) as operating_funds_wan,
            unit_years.personnel_share_of_basic,
            unit_years.project_share_of_total,
            unit_years.three_public_per_wan_of_total,
            unit_years.upper_transfer_share_of_income
        from unit_years
        inner join units on unit_years.unit_key = units.unit_key
    )
    on total_budget_wan, basic_wan, project_wan, personnel_wan, three_public_total_wan, operating_funds_wan,
    personnel_share_of_basic, project_share_of_total, three_public_per_wan_of_total, upper_transfer_share_of_income
    into name metric value metric_value

),

ranked as (

    select
        *,
        count(*) over peers as peer_count,
        rank() over (partition by year, peer_level, peer_unit_type, metric order by metric_value desc) as peer_rank,
        percent_rank() over (partition by year, peer_level, peer_unit_type, metric order by metric_value) as peer_percentile,
        median(metric_value) over peers as peer_median
    from metrics
    where metric_value is not null
    window peers as (partition by year, peer_level, peer_unit_type, metric)

),

final as (

    select
        unit_key,
        cast(year as integer) as year,
        peer_level,
        peer_unit_type,
        metric,
        metric_value,
        cast(peer_count as integer) as peer_count,
        cast(peer_rank as integer) as peer_rank,
        peer_percentile,
        peer_median,
        metric_value - peer_median as difference_from_median
    from ranked

)

select * from final
