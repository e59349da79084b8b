"""Synthetic units for trying the report at scale without running the pipeline.

``add_synthetic_units(con, 1000)`` inserts 1,000 units × 2 years into a *copy* of a built
warehouse: dim_unit (Xinjiang regions, prefectures and counties, 17 unit types, names up to 30
characters), mart_unit_year, fct_three_public, fct_economic_spending, mart_disclosure_completeness,
document_status and a few failing dq_check_result rows, then recomputes mart_peer_comparison the
way its dbt model does. Figures are deterministic (hashes of the unit number), plausible in size
and mutually consistent (基本 + 项目 = 收入总计, parts add up to totals).

Used by tests/test_report.py and bench/report.py; never by the pipeline.
"""

from __future__ import annotations

import duckdb

from pipeline.report.data import MONEY_COLUMNS

SYNTHETIC_PREFIX = "syn"

# (admin_code, level, prefecture_code, prefecture_name, county_name): real GB/T 2260 places.
_PLACES = """
    ('650000', 'region', null, null, null),
    ('650100', 'prefecture', '650100', '乌鲁木齐市', null), ('650200', 'prefecture', '650200', '克拉玛依市', null),
    ('650400', 'prefecture', '650400', '吐鲁番市', null), ('650500', 'prefecture', '650500', '哈密市', null),
    ('652300', 'prefecture', '652300', '昌吉回族自治州', null),
    ('652700', 'prefecture', '652700', '博尔塔拉蒙古自治州', null),
    ('652800', 'prefecture', '652800', '巴音郭楞蒙古自治州', null), ('652900', 'prefecture', '652900', '阿克苏地区', null),
    ('653000', 'prefecture', '653000', '克孜勒苏柯尔克孜自治州', null), ('653100', 'prefecture', '653100', '喀什地区', null),
    ('653200', 'prefecture', '653200', '和田地区', null), ('654000', 'prefecture', '654000', '伊犁哈萨克自治州', null),
    ('654200', 'prefecture', '654200', '塔城地区', null), ('654300', 'prefecture', '654300', '阿勒泰地区', null),
    ('650102', 'county', '650100', '乌鲁木齐市', '天山区'), ('650103', 'county', '650100', '乌鲁木齐市', '沙依巴克区'),
    ('650104', 'county', '650100', '乌鲁木齐市', '新市区'), ('650202', 'county', '650200', '克拉玛依市', '独山子区'),
    ('650203', 'county', '650200', '克拉玛依市', '克拉玛依区'), ('650402', 'county', '650400', '吐鲁番市', '高昌区'),
    ('650421', 'county', '650400', '吐鲁番市', '鄯善县'), ('650502', 'county', '650500', '哈密市', '伊州区'),
    ('650521', 'county', '650500', '哈密市', '巴里坤哈萨克自治县'),
    ('652301', 'county', '652300', '昌吉回族自治州', '昌吉市'), ('652302', 'county', '652300', '昌吉回族自治州', '阜康市'),
    ('652323', 'county', '652300', '昌吉回族自治州', '呼图壁县'), ('652324', 'county', '652300', '昌吉回族自治州', '玛纳斯县'),
    ('652327', 'county', '652300', '昌吉回族自治州', '吉木萨尔县'),
    ('652701', 'county', '652700', '博尔塔拉蒙古自治州', '博乐市'),
    ('652702', 'county', '652700', '博尔塔拉蒙古自治州', '阿拉山口市'),
    ('652722', 'county', '652700', '博尔塔拉蒙古自治州', '精河县'), ('652723', 'county', '652700', '博尔塔拉蒙古自治州', '温泉县'),
    ('652801', 'county', '652800', '巴音郭楞蒙古自治州', '库尔勒市'),
    ('652822', 'county', '652800', '巴音郭楞蒙古自治州', '轮台县'), ('652823', 'county', '652800', '巴音郭楞蒙古自治州', '尉犁县'),
    ('652824', 'county', '652800', '巴音郭楞蒙古自治州', '若羌县'),
    ('652826', 'county', '652800', '巴音郭楞蒙古自治州', '焉耆回族自治县'),
    ('652827', 'county', '652800', '巴音郭楞蒙古自治州', '和静县'), ('652901', 'county', '652900', '阿克苏地区', '阿克苏市'),
    ('652902', 'county', '652900', '阿克苏地区', '库车市'), ('652922', 'county', '652900', '阿克苏地区', '温宿县'),
    ('652924', 'county', '652900', '阿克苏地区', '沙雅县'),
    ('653001', 'county', '653000', '克孜勒苏柯尔克孜自治州', '阿图什市'),
    ('653022', 'county', '653000', '克孜勒苏柯尔克孜自治州', '阿克陶县'),
    ('653023', 'county', '653000', '克孜勒苏柯尔克孜自治州', '阿合奇县'),
    ('653024', 'county', '653000', '克孜勒苏柯尔克孜自治州', '乌恰县'), ('653101', 'county', '653100', '喀什地区', '喀什市'),
    ('653121', 'county', '653100', '喀什地区', '疏附县'), ('653122', 'county', '653100', '喀什地区', '疏勒县'),
    ('653123', 'county', '653100', '喀什地区', '英吉沙县'), ('653124', 'county', '653100', '喀什地区', '泽普县'),
    ('653125', 'county', '653100', '喀什地区', '莎车县'), ('653126', 'county', '653100', '喀什地区', '叶城县'),
    ('653131', 'county', '653100', '喀什地区', '塔什库尔干塔吉克自治县'), ('653201', 'county', '653200', '和田地区', '和田市'),
    ('653221', 'county', '653200', '和田地区', '和田县'), ('653222', 'county', '653200', '和田地区', '墨玉县'),
    ('653223', 'county', '653200', '和田地区', '皮山县'), ('653225', 'county', '653200', '和田地区', '策勒县'),
    ('654002', 'county', '654000', '伊犁哈萨克自治州', '伊宁市'), ('654003', 'county', '654000', '伊犁哈萨克自治州', '奎屯市'),
    ('654021', 'county', '654000', '伊犁哈萨克自治州', '伊宁县'),
    ('654022', 'county', '654000', '伊犁哈萨克自治州', '察布查尔锡伯自治县'),
    ('654023', 'county', '654000', '伊犁哈萨克自治州', '霍城县'), ('654028', 'county', '654000', '伊犁哈萨克自治州', '尼勒克县'),
    ('654201', 'county', '654200', '塔城地区', '塔城市'), ('654202', 'county', '654200', '塔城地区', '乌苏市'),
    ('654221', 'county', '654200', '塔城地区', '额敏县'), ('654301', 'county', '654300', '阿勒泰地区', '阿勒泰市'),
    ('654321', 'county', '654300', '阿勒泰地区', '布尔津县'), ('654322', 'county', '654300', '阿勒泰地区', '富蕴县')
"""

_UNIT_TYPES = (  # the longest first, so that even 75 units have 30-character names
    "人力资源和社会保障局社会保险事业管理中心",
    "社会保险中心",
    "人力资源和社会保障局",
    "财政局",
    "教育局",
    "卫生健康委员会",
    "自然资源局",
    "住房和城乡建设局",
    "农业农村局",
    "市场监督管理局",
    "医疗保障局",
    "民政局",
    "交通运输局",
    "水利局",
    "林业和草原局",
    "审计局",
    "统计局",
)

_SQL = """
create or replace temp macro syn_r(i, salt) as (hash(i, salt) % 1000000) / 1000000.0;

create or replace temp table syn_places as
select row_number() over () - 1 as place_index, *
from (values {places}) as p(admin_code, level, prefecture_code, prefecture_name, county_name);

create or replace temp table syn_types as
select generate_subscripts(t, 1) - 1 as type_index, unnest(t) as unit_type from (select {types} as t);

create or replace temp table syn_units as
with numbered as (
    select range as i from range({count})
),
placed as (
    select
        numbered.i,
        syn_places.*,
        syn_types.unit_type,
        (select count(*) from syn_places) as place_count,
        (select count(*) from syn_types) as type_count
    from numbered
    inner join syn_places on syn_places.place_index = numbered.i % (select count(*) from syn_places)
    inner join syn_types
        on syn_types.type_index = (numbered.i // (select count(*) from syn_places)) % (select count(*) from syn_types)
)
select
    i,
    '{prefix}' || lpad(cast(i as varchar), 5, '0') as unit_key,
    coalesce(county_name, prefecture_name, '新疆维吾尔自治区') || unit_type
        || case when i >= place_count * type_count then '（' || cast(i // (place_count * type_count) + 1 as varchar) || '）'
                else '' end as unit_name,
    case when i % 7 = 3 then '单位' else '部门' end as doc_kind,
    admin_code, level, '650000' as region_code, '新疆维吾尔自治区' as region_name,
    prefecture_code, prefecture_name, county_name, unit_type
from placed;

create or replace temp table syn_unit_years as
with years as (
    select syn_units.*, y.year
    from syn_units cross join (values ({last_year}), ({year})) as y(year)
    where y.year = {year} or syn_r(i, 'has_last_year') < 0.85
),
sized as (
    select
        *,
        80 * exp(5.5 * syn_r(i, 'size')) / case when year = {year} then 1 else 1 + (syn_r(i, 'growth') - 0.35) * 0.4 end
            as total,
        0.45 + 0.5 * syn_r(i + year, 'basic') as basic_share,
        0.7 + 0.25 * syn_r(i + year, 'personnel') as personnel_share,
        0.0005 + 0.006 * syn_r(i + year, 'three') as three_public_share
    from years
),
amounts as (
    select
        *,
        round(total, 2) as total_budget_wan,
        round(total * basic_share, 2) as basic_wan,
        round(total, 2) - round(total * basic_share, 2) as project_wan,
        round(total * basic_share * personnel_share, 2) as personnel_wan,
        round(total * basic_share, 2) - round(total * basic_share * personnel_share, 2) as public_wan,
        round(total * three_public_share, 2) as three_public_total_wan
    from sized
),
three_public as (
    select
        *,
        case when syn_r(i + year, 'overseas') > 0.9 then round(three_public_total_wan * 0.1, 2) else 0 end as overseas_wan,
        round(three_public_total_wan * 0.2 * syn_r(i + year, 'reception'), 2) as reception_wan,
        case when syn_r(i + year, 'purchase') > 0.85 then round(three_public_total_wan * 0.3, 2) else 0 end
            as vehicle_purchase_wan
    from amounts
)
select
    *,
    three_public_total_wan - overseas_wan - reception_wan - vehicle_purchase_wan as vehicle_operation_wan,
    round(public_wan * 0.85, 2) as operating_funds_wan,
    round(total_budget_wan * 0.08 * syn_r(i + year, 'upper'), 2) as upper_transfer_wan,
    round(total_budget_wan * 0.93, 2) as current_year_income_wan,
    round(total_budget_wan * 0.93 * 0.9, 2) as general_public_budget_wan,
    total_budget_wan - round(total_budget_wan * 0.93, 2) as carryover_wan,
    round(total_budget_wan * 0.04 * syn_r(i + year, 'procurement'), 2) as procurement_total_wan,
    case when syn_r(i + year, 'no_prior') > 0.1 then round(basic_wan / (1 + (syn_r(i + year, 'pb') - 0.4) * 0.5), 2) end
        as basic_prior_wan,
    case when syn_r(i + year, 'no_prior') > 0.1 then round(project_wan / (1 + (syn_r(i + year, 'pp') - 0.3) * 1.2), 2) end
        as project_prior_wan,
    case when syn_r(i + year, 'no_prior') > 0.1 then round(three_public_total_wan / (1 + (syn_r(i + year, 'pt') - 0.5) * 0.6), 2)
        end as three_public_prior_wan,
    case when syn_r(i + year, 'no_prior') > 0.1 then round(public_wan * 0.85 / (1 + (syn_r(i + year, 'po') - 0.4) * 0.3), 2)
        end as operating_funds_prior_wan,
    case when syn_r(i, 'staff') > 0.2 then cast(greatest(1, round(personnel_wan / (12 + 6 * syn_r(i, 'pay')))) as integer)
        end as actual_staff,
    case when syn_r(i, 'staff') > 0.2
        then cast(greatest(1, round(personnel_wan / (12 + 6 * syn_r(i, 'pay')))) + floor(5 * syn_r(i, 'vacant')) as integer)
        end as authorized_staff,
    '{prefix}-doc-' || cast(i as varchar) || '-' || cast(year as varchar) as document_id
from three_public;

insert into dim_unit by name
select unit_key, unit_name, doc_kind, admin_code, level, region_code, region_name, prefecture_code, prefecture_name,
       county_name, unit_type, true as is_place_resolved, unit_name as name_variants
from syn_units;

insert into mart_unit_year by name
select
    unit_key, unit_name, doc_kind, cast(year as integer) as year, document_id,
    {money},
    cast(personnel_wan / nullif(basic_wan, 0) as double) as personnel_share_of_basic,
    cast(project_wan / nullif(total_budget_wan, 0) as double) as project_share_of_total,
    cast(three_public_total_wan / nullif(total_budget_wan, 0) as double) as three_public_per_wan_of_total,
    cast(operating_funds_wan / nullif(total_budget_wan, 0) as double) as operating_funds_share_of_total,
    cast(upper_transfer_wan / nullif(current_year_income_wan, 0) as double) as upper_transfer_share_of_income,
    cast((basic_wan - basic_prior_wan) / nullif(basic_prior_wan, 0) as double) as basic_yoy,
    cast((project_wan - project_prior_wan) / nullif(project_prior_wan, 0) as double) as project_yoy,
    cast((three_public_total_wan - three_public_prior_wan) / nullif(three_public_prior_wan, 0) as double) as three_public_yoy,
    cast((operating_funds_wan - operating_funds_prior_wan) / nullif(operating_funds_prior_wan, 0) as double)
        as operating_funds_yoy
    {staff}
from syn_unit_years;

insert into fct_three_public by name
select
    unit_key, cast(year as integer) as year,
    cast(three_public_total_wan as decimal(20, 6)) as total_wan,
    cast(overseas_wan as decimal(20, 6)) as overseas_wan,
    cast(reception_wan as decimal(20, 6)) as reception_wan,
    cast(vehicle_purchase_wan as decimal(20, 6)) as vehicle_purchase_wan,
    cast(vehicle_operation_wan as decimal(20, 6)) as vehicle_operation_wan,
    cast(vehicle_purchase_wan + vehicle_operation_wan as decimal(20, 6)) as vehicle_total_wan,
    cast(three_public_total_wan as decimal(20, 6)) as narrative_total_wan,
    document_id, 300 as source_line
from syn_unit_years;

insert into fct_economic_spending by name
select unit_key, cast(year as integer) as year, subject_code, 'basic' as spending_type,
       cast(total_wan as decimal(20, 6)) as total_wan, cast(personnel as decimal(20, 6)) as personnel_wan,
       cast(public as decimal(20, 6)) as public_wan, document_id, 250 as source_line
from (
    select *, '301' as subject_code, round(personnel_wan * 0.88, 2) as total_wan,
           round(personnel_wan * 0.88, 2) as personnel, null as public from syn_unit_years
    union all
    select *, '303', personnel_wan - round(personnel_wan * 0.88, 2), personnel_wan - round(personnel_wan * 0.88, 2), null
    from syn_unit_years
    union all
    select *, '302', case when syn_r(i + year, 'capital') > 0.6 then round(public_wan * 0.93, 2) else public_wan end, null,
           case when syn_r(i + year, 'capital') > 0.6 then round(public_wan * 0.93, 2) else public_wan end
    from syn_unit_years
    union all
    select *, '310', public_wan - round(public_wan * 0.93, 2), null, public_wan - round(public_wan * 0.93, 2)
    from syn_unit_years where syn_r(i + year, 'capital') > 0.6
);

insert into mart_disclosure_completeness by name
select document_id, unit_key, cast(year as integer) as year, 24 as items_checked, 24 - missing as items_met,
       round(100.0 * (24 - missing) / 24, 1) as completeness_score,
       case missing when 0 then '' when 1 then 'table:three_public'
            when 2 then 'table:three_public, narrative:assets' else 'table:three_public, narrative:assets, narrative:performance'
       end as missing_items
from (select *, case when syn_r(i + year, 'complete') < 0.7 then 0 else cast(hash(i, year) % 3 as integer) + 1 end as missing
      from syn_unit_years);

insert into document_status by name
select document_id, '{prefix}_' || unit_key || '_' || cast(year as varchar) || '.pdf' as file_name, 'pdf' as layout, unit_name,
       doc_kind, 'budget' as phase, unit_key, cast(year as integer) as year, 'loaded' as status, true as is_current
from syn_unit_years;

insert into dq_check_result by name
select document_id, unit_key, cast(year as integer) as year, 'totals' as check_family, 'hierarchy_basic_expenditure' as check_name,
       '303 total' as subject, cast(round(personnel_wan * 0.12, 2) as decimal(20, 6)) as expected_wan,
       cast(round(personnel_wan * 0.1, 2) as decimal(20, 6)) as actual_wan,
       cast(round(personnel_wan * 0.1, 2) - round(personnel_wan * 0.12, 2) as decimal(20, 6)) as difference_wan,
       cast(0.015 as decimal(20, 6)) as tolerance_wan, 'page 4 row 17' as cells, 'fail' as status
from syn_unit_years where syn_r(i + year, 'check') < 0.05;

delete from mart_peer_comparison;
insert into mart_peer_comparison by name
with metrics as (
    unpivot (
        select
            unit_years.unit_key, unit_years.year,
            coalesce(units.level, 'unknown') as peer_level, coalesce(units.unit_type, 'unknown') as peer_unit_type,
            cast(unit_years.total_budget_wan as double) as total_budget_wan, cast(unit_years.basic_wan as double) as basic_wan,
            cast(unit_years.project_wan as double) as project_wan, cast(unit_years.personnel_wan as double) as personnel_wan,
            cast(unit_years.three_public_total_wan as double) as three_public_total_wan,
            cast(unit_years.operating_funds_wan as double) as operating_funds_wan,
            unit_years.personnel_share_of_basic, unit_years.project_share_of_total,
            unit_years.three_public_per_wan_of_total, unit_years.upper_transfer_share_of_income
        from mart_unit_year as unit_years inner join dim_unit as units on unit_years.unit_key = units.unit_key
    )
    on total_budget_wan, basic_wan, project_wan, personnel_wan, three_public_total_wan, operating_funds_wan,
        personnel_share_of_basic, project_share_of_total, three_public_per_wan_of_total, upper_transfer_share_of_income
    into name metric value metric_value
)
select
    unit_key, cast(year as integer) as year, peer_level, peer_unit_type, metric, metric_value,
    cast(count(*) over peers as integer) as peer_count,
    cast(rank() over (partition by year, peer_level, peer_unit_type, metric order by metric_value desc) as integer)
        as peer_rank,
    percent_rank() over (partition by year, peer_level, peer_unit_type, metric order by metric_value) as peer_percentile,
    median(metric_value) over peers as peer_median,
    metric_value - median(metric_value) over peers as difference_from_median
from metrics
where metric_value is not null
window peers as (partition by year, peer_level, peer_unit_type, metric);
"""


def add_synthetic_units(
    con: duckdb.DuckDBPyConnection, count: int = 1000, year: int = 2026, with_staff: bool = True
) -> None:
    """Insert ``count`` synthetic units (years ``year - 1`` and ``year``) into the open warehouse copy.

    ``with_staff`` adds mart_unit_year.authorized_staff / actual_staff (编制数 / 实有人数) where the
    warehouse does not have them yet, and fills them for 80% of the units.
    """
    columns = {row[0] for row in con.execute("describe mart_unit_year").fetchall()}
    staff = ""
    if with_staff:
        for column in ("authorized_staff", "actual_staff"):
            if column not in columns:
                con.execute(f"alter table mart_unit_year add column {column} integer")
        staff = ", authorized_staff, actual_staff"
    money = ",\n    ".join(
        # the report's amounts; a synthetic unit spends what it budgets
        f"cast({'total_budget_wan' if c == 'expenditure_total_wan' else c} as decimal(20, 6)) as {c}"
        for c in MONEY_COLUMNS
    )
    types = "[" + ", ".join(f"'{t}'" for t in _UNIT_TYPES) + "]"
    con.execute(
        _SQL.format(
            places=_PLACES,
            types=types,
            count=int(count),
            prefix=SYNTHETIC_PREFIX,
            year=int(year),
            last_year=int(year) - 1,
            money=money,
            staff=staff,
        )
    )


def synthetic_unit_key(index: int) -> str:
    return f"{SYNTHETIC_PREFIX}{index:05d}"


def rename_unit(con: duckdb.DuckDBPyConnection, unit_key: str, name: str) -> None:
    """Give one unit another name everywhere the report reads it (e.g. a hostile one, for tests)."""
    con.execute(
        "update dim_unit set unit_name = ?, name_variants = ? where unit_key = ?",
        [name, name, unit_key],
    )
    con.execute("update mart_unit_year set unit_name = ? where unit_key = ?", [name, unit_key])
    con.execute("update document_status set unit_name = ? where unit_key = ?", [name, unit_key])
