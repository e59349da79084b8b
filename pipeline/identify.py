"""Who published a document, for which year, in which scope and phase — as the document prints it.

Disclosures name their discloser in one of a few ways, tried in this order:
  1. a labelled line: ``预算单位：`` / ``单位名称：`` / ``部门名称：`` / ``部门：`` / ``预算主管部门：`` /
     ``编制单位：`` / ``编制部门：``, on the cover or above a table;
  2. the cover title: ``2026年广州市统计局部门预算``, ``北京市审计局2026年度部门预算信息公开``,
     ``2019年佛山市轨道交通局部门决算`` (the title may wrap over two lines);
A candidate is a name only if it reads like one: never a contents line (``目录``, ``第一部分``),
a heading, or a fragment such as ``度``. The year is the one the title gives (``2026年度``,
``二〇二六年``), else the one the table titles give. The phase is ``final`` when the title or
most table titles say 决算.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from pipeline.cleaning import compact_label
from pipeline.intermediate import Block
from pipeline.narrative.paragraphs import rejoin_detached_numbers

_LABELS = r"预算单位|单位名称|部门名称|预算主管部门|主管部门|预算部门|编制单位|编制部门|部门|单位"
_LABELLED = re.compile(rf"(?:^|[\s（(])(?:{_LABELS})\s*[:：]\s*(?P<name>[^:：]+?)\s*(?:(?:金额)?单位\s*[:：].*)?$")
_TITLE = re.compile(r"(?P<scope>部门|单位)?(?:整体)?(?P<phase>预算|决算)")
_YEAR = re.compile(r"(20\d\d)\s*年?\s*度?")
_CHINESE_DIGITS = str.maketrans("〇零○Ｏ一二三四五六七八九", "0000123456789")
_CHINESE_YEAR = re.compile(r"([二][〇零○Ｏ一二三四五六七八九]{3})年")
# words that never belong to a unit's name: contents, headings, document-type words
_NOT_A_NAME = re.compile(
    r"目录|第[一二三四五六七八九十百\d]+(?:部分|条|章|节)|说明|公开|预算|决算|报表|情况|^[年度月日]|单位[:：]|金额|万元|"
    r"^[\d\s.、，,]+$|^(?:市级|区级|县级|本级|部门|单位)$"
)
# a unit's name ends with what kind of body it is (局, 委员会, 中心, 学校 …)
_BODY = re.compile(
    r"(局|委员会|委|办公室|办|厅|中心|院|所|站|队|部|会|处|馆|学校|学院|大学|校|政府|街道|镇|乡|法院|检察院|"
    r"社|台|园|场|团|总队|支队|大队|机关|公司|集团|署|室|组|科|协会|联合会|研究会|宫|库|监狱|医院|基地|（本级）|\(本级\))$"
)


@dataclass
class Identity:
    unit_name: str | None
    year: int | None
    scope: str  # 部门 | 单位
    phase: str  # budget | final
    titled: bool  # the cover names the document a 预算 / 决算 disclosure
    tried: list[str] = field(default_factory=list)  # what was looked at, for the status reason


def plausible_unit_name(name: str | None) -> str | None:
    """The name, tidied, when it reads like a unit's name; else None."""
    if not name:
        return None
    name = compact_label(name).strip("#*:：·.。 ")
    name = re.sub(r"[（(]?(?:盖章|公章)[）)]?$", "", name)
    name = re.sub(r"(?<=[局委办厅院所站队会心室])部门$", "", name)  # 北京市信访办公室部门 → …办公室
    name = re.sub(r"[（(]汇总[)）]$", "", name)  # the scope, not the name (部门 汇总 budgets)
    if not 2 <= len(name) <= 48 or _NOT_A_NAME.search(name) or re.search(r"\d", name):
        return None
    return name if _BODY.search(re.sub(r"[（(]本级[)）]$", "", name)) else None


def _year_of(text: str) -> int | None:
    text = _CHINESE_YEAR.sub(lambda m: m.group(1).translate(_CHINESE_DIGITS) + "年", text)
    match = _YEAR.search(text)
    return int(match.group(1)) if match else None


def _cover_text(blocks: list[Block]) -> str:
    """The text before the contents (or the first lines), joined: titles wrap over lines."""
    parts: list[str] = []
    for block in blocks[:12]:
        text = compact_label(block.text)
        if text in ("目录", "目次") or text.startswith(("第一部分", "一、")):
            break
        parts.append(text)
    return "".join(parts)


def _from_title(cover: str) -> tuple[str | None, int | None, str | None, str | None]:
    """(name, year, scope, phase) from a cover title such as 2026年广州市统计局部门预算."""
    for match in _TITLE.finditer(cover):
        before = cover[: match.start()]
        year = None
        trailing = re.search(r"(20\d\d)年?度?$", before)
        if trailing:
            year, before = int(trailing.group(1)), before[: trailing.start()]
        before = re.sub(r"年度?$", "", before)  # a year the text layer lost (上海市普陀区财政局 / 年度部门决算)
        leading = list(re.finditer(r"(20\d\d)年度?", before))
        if leading:
            year = year or int(leading[-1].group(1))
            before = before[leading[-1].end() :]
        name = plausible_unit_name(before)
        if name:
            return name, year, match.group("scope"), match.group("phase")
        if year is not None:  # a title without a usable name still dates the document
            return None, year, match.group("scope"), match.group("phase")
    return None, None, None, None


def labelled_unit(text: str) -> str | None:
    """The name a ``预算单位：…`` / ``部门名称：…`` line gives, if it gives a plausible one."""
    match = _LABELLED.search(text.strip())
    return plausible_unit_name(match.group("name")) if match else None


_INTRODUCTION = re.compile(
    r"^(?P<name>[^，。、：:；;（(]{3,40}?)(?:属于|是|为|作为|主要职责|的主要职责|负责|成立于|设立于)"
)


def _introduced_unit(blocks: list[Block]) -> str | None:
    """The unit named as the subject of the first sentence after a 部门情况说明 / 职责 heading."""
    after_heading = False
    for b in blocks:
        text = compact_label(b.text)
        match = _INTRODUCTION.match(text) if after_heading else None
        name = plausible_unit_name(match.group("name")) if match else None
        if name:
            return name
        if re.search(r"(部门|单位)(情况|概况|基本情况)|主要职[责能]|职责情况", text) and len(text) <= 24:
            after_heading = True
    return None


def _labelled_names(blocks: list[Block]) -> list[str]:
    names: list[str] = []
    for b in blocks:
        cells = [c for c in b.cells if c]
        if len(cells) >= 2 and re.fullmatch(rf"(?:{_LABELS})", compact_label(cells[0])):
            name = plausible_unit_name(cells[1])  # 部门名称 | 广州市生态环境局, as two cells
        elif len(cells) <= 3:
            name = labelled_unit(b.text)
        else:
            name = None
        if name:
            names.append(name)
    return names


def identify(blocks: list[Block], table_titles: list[str], table_disclosers: list[str]) -> Identity:
    tried: list[str] = []
    cover = _cover_text(blocks)
    title_name, title_year, title_scope, title_phase = _from_title(cover)
    tried.append(f"cover title '{cover[:40]}'" if cover else "cover title (none)")
    if title_phase is None:  # no cover: the first heading (第一部分 2026年度部门预算情况说明) still dates it
        heading = "".join(compact_label(b.text) for b in blocks[:2])
        _, title_year, title_scope, title_phase = _from_title(re.sub(r"^第[一二三四五六七八九十\d]+部分", "", heading))

    labelled = _labelled_names(blocks[:60]) or _labelled_names(blocks)  # the cover first, else anywhere
    tried.append("labelled lines 预算单位/单位名称/部门名称/部门/预算主管部门/编制单位/编制部门")
    disclosers = Counter(n for n in (plausible_unit_name(d) for d in table_disclosers) if n)
    tried.append("table headers 编制部门/编制单位")

    unit = None
    if labelled:
        unit = Counter(labelled).most_common(1)[0][0]
    elif disclosers:
        unit = disclosers.most_common(1)[0][0]
    elif title_name:
        unit = title_name
    else:
        unit = _introduced_unit(blocks[:120])
        tried.append("the unit the 部门情况说明 introduces (北京市气象局属于… / …是…)")

    year = title_year
    if year is None:
        year = _year_of(cover) if cover else None
    if year is None:
        years = Counter(y for t in table_titles for y in [_year_of(t)] if y)
        year = years.most_common(1)[0][0] if years else None
    if year is None:  # a tables-only file: the year its column headers give (2026年预算数)
        years = Counter(
            int(y)
            for b in blocks
            if b.kind == "row"
            for c in b.cells
            for y in re.findall(r"(20\d\d)年", c)
            if len(c) <= 16
        )
        year = years.most_common(1)[0][0] if years else None
    if year is None and unit:
        # a text layer that printed the title's year apart (上海市普陀区财政局 / 年度部门决算 / 2024): the
        # year the prose gives the unit, once its figures are back in their sentences (…财政局2024年度…)
        prose = " ".join(b.text for b in rejoin_detached_numbers(blocks) if b.kind == "text")
        years = Counter(int(y) for y in re.findall(re.escape(unit) + r"\s*(20\d\d)\s*年", prose))
        year = years.most_common(1)[0][0] if years else None
    tried.append(
        "the year in the title, else in the table titles, else in the column headers, else the one the prose gives the unit"
    )

    final_titles = sum("决算" in t for t in table_titles)
    phase = "final" if title_phase == "决算" or (table_titles and final_titles * 2 > len(table_titles)) else "budget"
    scope = title_scope or ("单位" if any(t.startswith("单位") for t in table_titles) else "部门")
    if re.search(r"[（(]本级[)）]", unit or "") or "单位预算" in cover:
        scope = "单位"
    return Identity(unit, year, scope, phase, title_phase is not None, tried)
