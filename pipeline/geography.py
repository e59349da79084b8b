"""Where a unit sits: its administrative division (GB/T 2260 code via cpca's data), level,
prefecture and region, and its unit type (the name left once the place is taken off).

``浙江省杭州市财政局`` and ``杭州市财政局``
resolve to the same place and type, so they are one unit. A name whose place cannot be
resolved keeps NULLs and is listed by ``dim_unit`` with ``is_place_resolved = false``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import polars as pl

GEOGRAPHY_SCHEMA = {
    "unit_name": pl.String,
    "admin_code": pl.String,
    "level": pl.String,
    "region_name": pl.String,
    "prefecture_name": pl.String,
    "county_name": pl.String,
    "region_code": pl.String,
    "prefecture_code": pl.String,
    "unit_type": pl.String,
    "identity": pl.String,
}


@dataclass(frozen=True)
class Place:
    admin_code: str | None
    level: str | None
    region: str | None
    prefecture: str | None
    county: str | None
    unit_type: str | None


def _clean(value) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):  # pandas' missing value
        return None
    text = str(value).strip()
    return text or None


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


def resolve(unit_names: list[str]) -> pl.DataFrame:
    """One row per unit name with its place and type."""
    import cpca  # imported here: loading its dictionary takes a moment

    names = sorted(set(n for n in unit_names if n))
    if not names:
        return pl.DataFrame(schema=GEOGRAPHY_SCHEMA)
    table = cpca.transform(names)
    rows = []
    for name, (_, found) in zip(names, table.iterrows()):
        code = _clean(found.get("adcode"))
        region, prefecture, county = _clean(found.get("省")), _clean(found.get("市")), _clean(found.get("区"))
        if prefecture in ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"):
            prefecture = region if region and region.endswith("市") else prefecture
        unit_type = _clean(found.get("地址")) or None
        if code is not None:
            code = code[:6]
            level = "region" if code.endswith("0000") else "prefecture" if code.endswith("00") else "county"
        else:
            level = None
        rows.append(
            {
                "unit_name": name,
                "admin_code": code,
                "level": level,
                "region_name": region,
                "prefecture_name": prefecture if level in ("prefecture", "county") else None,
                "county_name": county if level == "county" else None,
                "region_code": code[:2] + "0000" if code else None,
                "prefecture_code": code[:4] + "00" if code and level != "region" else None,
                "unit_type": unit_type,
                # the same place and type is the same unit, whatever prefix the name carries
                "identity": f"{code}|{_compact(unit_type)}" if code and unit_type else name,
            }
        )
    return pl.DataFrame(rows, schema=GEOGRAPHY_SCHEMA)
