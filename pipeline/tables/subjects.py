"""Tables whose rows are classification subjects: 收入, 支出, 一般公共预算支出, 基本支出
(economic classes), 项目支出 (projects × economic classes), 政府性基金, 国有资本经营.

Each row is split into its subject code (类/款/项 cells joined: 208|01|09 → 2080109),
its name, the project name where the table has one, and its amounts, which are mapped to
measures by the header above them. A table continued over pages may repeat its header;
each header starts a new segment with its own column positions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from pipeline.cleaning import compact_label, is_amount, parse_amount, tidy_name, to_wan
from pipeline.identify import plausible_unit_name
from pipeline.intermediate import Block
from pipeline.tables.columns import NON_VALUE, column_measures, is_column_number_row
from pipeline.tables.economic import economic_code
from pipeline.tables.segment import TableRegion

_CODE_PART = re.compile(r"\d{2,9}")
_CODE_IN_NAME = re.compile(
    r"^[\[【]?(\d{3})(?:\s*(\d{2}))?(?:\s*(\d{2}))?[\]】]?\s*([^\d\s\]】].*)$"
)  # 301工资福利支出, [30101]基本工资
_SPACED_CODE = re.compile(r"^\d{3}(?:\s+\d{1,2}){1,2}$")
_TOTAL = re.compile(r"^(总计|合计|小计)$")


@dataclass
class SubjectRow:
    row_kind: str  # subject | total | unit_subtotal | unit_subject | uncoded
    subject_code: str | None
    subject_name: str
    project_name: str | None
    amounts_wan: dict[str, Decimal | None]
    line: int | None
    page: int | None
    unresolved: list[Decimal] = field(default_factory=list)  # packed values a converter left unplaced


@dataclass
class SubjectTable:
    region: TableRegion
    rows: list[SubjectRow]
    measures: list[str]
    problems: list[str] = field(default_factory=list)


def split_subject_cells(cells: tuple[str, ...]) -> tuple[str | None, str, int | None]:
    """(subject code, name, index of the name cell) of a row."""
    parts: list[str] = []
    i = 0
    last_code = -1
    while i < len(cells):
        cell = cells[i].strip()
        if not cell:
            i += 1
            continue
        if (
            not parts
            and cell in ("类", "款", "项")
            and any(_TOTAL.match(compact_label(c)) for c in cells[i + 1 : i + 4])
        ):
            i += 1  # the 类 | 款 | 项 header cells on the row of the 合计 (决算 收入/支出决算表)
            continue
        if (
            not parts
            and re.fullmatch(r"\d{1,2}", cell)
            and any(c.strip() and not is_amount(c) for c in cells[i + 1 : i + 3])
        ):
            i += 1  # a 序号 (row number) column before the code or name
            continue
        if _SPACED_CODE.fullmatch(cell) and not parts:  # “208 01 09” in one cell; “301 2” is 30102
            first, *rest = cell.split()
            parts.extend([first, *(r.zfill(2) for r in rest)])
            last_code = i
            i += 1
            continue
        if (
            parts
            and len(parts) < 3
            and re.fullmatch(r"\d", cell)
            and any(c.strip() and not is_amount(c) for c in cells[i + 1 : i + 2])
        ):
            parts.append(cell.zfill(2))  # a 款/项 printed without its leading zero (301 | 2 | 津贴补贴)
            last_code = i
            i += 1
            continue
        if _CODE_PART.fullmatch(cell) and (parts or len(cell) in (3, 5, 7)):
            parts.append(cell)
            last_code = i
            i += 1
            continue
        if not parts and re.fullmatch(r"\d{1,3}", cell):
            # digits that make no valid code (7 | 11 | 02 | 卫生健康支出): a damaged code; the name decides
            j = i
            while j < len(cells) and (not cells[j].strip() or re.fullmatch(r"\d{1,3}", cells[j].strip())):
                j += 1
            if j - i >= 2 and j < len(cells) and not is_amount(cells[j]):
                return None, tidy_name(cells[j]), j
        break
    if i >= len(cells):
        return ("".join(parts) or None), "", None
    name = tidy_name(cells[i])
    if is_amount(name):
        if not parts:
            return None, "", None
        name, i = "", last_code + 1  # the name cell is blank (or was markup only)
    code = "".join(parts) or None
    if code is None:
        embedded = _CODE_IN_NAME.match(cells[i].strip())
        if embedded:
            code = "".join(g for g in embedded.groups()[:3] if g)
            name = tidy_name(embedded.group(4)).lstrip("-－ ")
    if code is not None and len(code) not in (3, 5, 7):
        code = None
    if code is not None and code.startswith("5"):
        # 政府经济分类 (501…) beside 部门经济分类 (301…): the 部门 code is the subject
        for j in range(i + 1, len(cells)):
            other = _CODE_IN_NAME.match(cells[j].strip())
            if other and other.group(1).startswith("3") and not is_amount(cells[j]):
                return "".join(g for g in other.groups()[:3] if g), tidy_name(other.group(4)).lstrip("-－ "), j
    return code, name, i


def _is_data(cells: tuple[str, ...]) -> bool:
    code, name, idx = split_subject_cells(cells)
    if (
        code is None
        and idx
        and any(c.strip() for c in cells[:idx])
        and all(re.fullmatch(r"\d{0,3}", c.strip()) for c in cells[:idx])
    ):
        return any(is_amount(c) for c in cells[idx + 1 :])  # a damaged code before a name (7 | 11 | 02 | …)
    # a lone 小计/总计 without amounts is a wrapped header cell, not a total row
    amounts = sum(1 for c in cells if is_amount(c))
    return (
        code is not None
        or (bool(_TOTAL.match(name)) and amounts > 0)
        or (amounts >= 2 and _is_unit_row(name))
        or (amounts > 0 and economic_code(name, None) is not None)
        or (amounts > 0 and bool(_HALF_TOTAL.match(compact_label(name))))
    )


def _is_unit_row(name: str) -> bool:
    """A row labelled with a unit's name (深圳市水务局 | | | 857,808.76 …): a unit's total."""
    return plausible_unit_name(name) is not None


def _assign_unit_rows(rows: list[SubjectRow]) -> None:
    """Rows labelled with a unit's name. With no 合计 row, the first one is the table's total
    (its header says 支出总计). With two or more units (a 汇总 department, a block per
    subordinate unit), subject rows inside the unit blocks are that unit's (``unit_subject``),
    not the department's."""
    units = [r for r in rows if r.row_kind == "unit_subtotal"]
    if not units:
        return
    if not any(r.row_kind == "total" for r in rows) and rows.index(units[0]) == next(
        i for i, r in enumerate(rows) if r.row_kind != "unit_subject"
    ):
        units[0].row_kind = "total"
        units = units[1:]
    if len(units) >= 2:
        for r in rows[rows.index(units[0]) :]:
            if r.row_kind == "subject":
                r.row_kind = "unit_subject"


def _segments(rows: list[Block]) -> list[tuple[list[Block], list[Block]]]:
    """Split rows into (header rows, data rows) segments; a header after data starts a new one."""
    segments: list[tuple[list[Block], list[Block]]] = []
    header: list[Block] = []
    data: list[Block] = []
    for row in rows:
        if is_column_number_row(row.cells):
            continue
        if _is_data(row.cells) or (data and _is_spill_or_labelled(row.cells)):
            data.append(row)
            continue
        if data:
            segments.append((header, data))
            header, data = [], []
        header.append(row)
    if header or data:
        segments.append((header, data))
    return segments


def _is_spill_or_labelled(cells: tuple[str, ...]) -> bool:
    return any(is_amount(c) for c in cells)


_HALF_TOTAL = re.compile(r"^(人员经费|公用经费)合计$")
_HALF_TOTAL_MEASURE = {"人员经费": "personnel", "公用经费": "public"}


def _half_split(rows: list[Block]) -> int | None:
    """The column where the right half of a table printed as two halves side by side starts
    (决算 基本支出表: 经济分类科目编码 | 科目名称 | 决算数 ‖ 经济分类科目编码 | 科目名称 | 决算数, or
    人员经费 ‖ 公用经费 over them): a header row that names the same code column twice, or
    人员经费 and 公用经费 as two groups."""
    for row in rows[:6]:
        if any(is_amount(c) for c in row.cells):
            return None
        labels = [(j, compact_label(c)) for j, c in enumerate(row.cells) if c.strip()]
        texts = [t for _, t in labels]
        groups = [j for j, t in labels if t in ("人员经费", "公用经费")]
        if len(groups) == 2 and texts[0] == "人员经费":
            return groups[1]
        coded = [j for j, t in labels if re.search(r"(?:科目)?编码$|^经济分类", t)]
        if len(coded) == 2 and coded[0] == labels[0][0] and texts.count(compact_label(row.cells[coded[0]])) == 2:
            return coded[1]
    return None


def _halves_stacked(region: TableRegion) -> TableRegion:
    """A table printed as two halves side by side, read as one: the left half's rows, then the
    right half's (each half keeps its header; ``人员经费合计 | 公用经费合计`` become total rows)."""
    split = _half_split(region.rows)
    if split is None:
        return region
    left = [Block(r.kind, r.cells[:split], r.line, r.page) for r in region.rows]
    right = [Block(r.kind, r.cells[split:], r.line, r.page) for r in region.rows]
    rows = [r for r in left + right if any(c.strip() for c in r.cells)]
    return TableRegion(**{**region.__dict__, "rows": rows})


def interpret_subject_table(region: TableRegion) -> SubjectTable:
    region = _halves_stacked(region)
    unit = region.unit
    rows: list[SubjectRow] = []
    problems: list[str] = []
    measures_seen: list[str] = []
    previous_measures: list[str | None] = []
    current_class: str | None = None  # the economic class (301 …) the rows stand under
    named_codes = 0
    for header, data in _segments(region.rows):
        data = _aligned_across_pages(data)
        measures = column_measures(header) if header else previous_measures
        if not any(m and m not in NON_VALUE for m in measures):
            measures = previous_measures
        if "total" not in measures and "subtotal" in measures:
            # 科目名称 | 小计 | 基本支出 | 项目支出: the first 小计 is the row's total
            measures = list(measures)
            measures[measures.index("subtotal")] = "total"
        name_positions = [split_subject_cells(r.cells)[2] for r in data]
        name_idx = max({p for p in name_positions if p is not None}, key=name_positions.count, default=None)
        compacted = False
        if name_idx is not None and name_idx < len(measures):
            at_name = measures[name_idx]
            if at_name is not None and at_name not in NON_VALUE and "name" not in measures:
                # The converter dropped the name column from the header and the empty cells
                # from the rows: values are packed left in header order.
                measures = measures[:name_idx] + ["name"] + measures[name_idx:]
                compacted = True
                problems.append(f"{region.title}: header lacks its name column; amounts realigned in header order")
        value_columns = [
            (j, m) for j, m in enumerate(measures) if m and m not in NON_VALUE and (name_idx is None or j > name_idx)
        ]
        project_col = next((j for j, m in enumerate(measures) if m == "project_name"), None)
        for m in (m for _, m in value_columns):
            if m not in measures_seen:
                measures_seen.append(m)
        unit_code_col = measures.index("unit_code") if "unit_code" in measures else None
        unit_col = measures.index("unit") if "unit" in measures else None
        for block in data:
            code, name, idx = split_subject_cells(block.cells)
            if unit_code_col is not None and code is not None and block.cells[unit_code_col].strip() == code:
                # 119 | 西安市统计局: a unit's code and name, not a subject
                code = None
                name = (
                    tidy_name(block.cells[unit_col]) if unit_col is not None and unit_col < len(block.cells) else name
                )
                idx = unit_col if unit_col is not None else idx
            if code is None and not name:
                if rows and any(is_amount(c) for c in block.cells):
                    _merge_spill(rows[-1], block, value_columns, compacted, unit)
                continue
            if code is None and region.kind in ECONOMIC_KINDS and not _TOTAL.match(name):
                code = economic_code(name, current_class)
                named_codes += code is not None
            if code is not None and len(code) == 3:
                current_class = code
            half_total = _HALF_TOTAL.match(compact_label(name)) if code is None else None
            if half_total:
                # 人员经费合计 / 公用经费合计 under the two halves: the table's personnel and public totals
                printed = [c for c in block.cells[(idx or 0) + 1 :] if is_amount(c)]
                measure = _HALF_TOTAL_MEASURE[half_total.group(1)]
                value = to_wan(parse_amount(printed[0]), unit) if printed else None
                rows.append(
                    SubjectRow("total", None, compact_label(name), None, {measure: value}, block.line, block.page)
                )
                if measure not in measures_seen:
                    measures_seen.append(measure)
                continue
            if code is None and not _TOTAL.match(name):
                unit_row = _is_unit_row(name) or (unit_col is not None and idx == unit_col)
                row_kind = "unit_subtotal" if region.kind == "project_expenditure" or unit_row else None
                if row_kind is None and any(is_amount(c) for c in block.cells[(idx or 0) + 1 :]):
                    row_kind = "uncoded"  # a subject whose code is missing or damaged: coded from the other tables, if they name it
                if row_kind is None:
                    problems.append(f"{region.title}: line {block.line}: row '{name}' has no subject code; skipped")
                    continue
            else:
                row_kind = "subject" if code else "total"
            project_name = None
            if project_col is not None and project_col < len(block.cells) and project_col != idx:
                project_name = tidy_name(block.cells[project_col]) or None
            amounts: dict[str, Decimal | None] = {m: None for _, m in value_columns}
            unresolved: list[Decimal] = []
            if compacted:
                packed = [parse_amount(c) for c in block.cells[(idx or 0) + 1 :] if is_amount(c)]
                if len(packed) >= len(value_columns):
                    for (_, m), v in zip(value_columns, packed):
                        amounts[m] = to_wan(v, unit)
                elif packed:
                    amounts[value_columns[0][1]] = to_wan(packed[0], unit)
                    unresolved = [to_wan(v, unit) for v in packed[1:]]
            else:
                for j, m in value_columns:
                    if j < len(block.cells) and j != project_col:
                        amounts[m] = to_wan(parse_amount(block.cells[j]), unit)
                printed = [c for c in block.cells[(idx or 0) + 1 :] if is_amount(c)]
                if row_kind == "total" and "total" in amounts and all(v is None for v in amounts.values()) and printed:
                    # the header's columns did not come through (a ruled header cut into fragments):
                    # a total row's first amount is its 合计 whatever the columns; the rest stay unknown
                    amounts["total"] = to_wan(parse_amount(printed[0]), unit)
                    problems.append(
                        f"{region.title}: its header's columns could not be read; only the 合计 of its total row is taken"
                    )
            rows.append(SubjectRow(row_kind, code, name, project_name, amounts, block.line, block.page, unresolved))
        previous_measures = measures
    if named_codes:
        problems.append(
            f"{region.title}: {named_codes} economic subjects printed without codes; coded from their names"
        )
    # 人员经费合计 and 公用经费合计, printed under the two halves, are one total row: the table's
    half_totals = [r for r in rows if r.row_kind == "total" and _HALF_TOTAL.match(r.subject_name)]
    if len(half_totals) == 2:
        half_totals[0].amounts_wan.update(half_totals[1].amounts_wan)
        half_totals[0].subject_name = "人员经费合计/公用经费合计"
        rows = [r for r in rows if r is not half_totals[1]]
    rows = _without_repeated_rows(rows, problems, region.title)
    if region.kind != "project_expenditure":
        _assign_unit_rows(rows)
    head = compact_label(" ".join(" ".join(r.cells) for r in region.rows[:4]))
    # listed by two classifications at once: functional × economic, or 部门 × 政府 economic
    if (region.kind in _FUNCTIONAL_KINDS and "经济分类" in head) or (
        region.kind in ECONOMIC_KINDS and re.search(r"政府(?:预算)?(?:支出)?经济", head)
    ):
        rows = _summed_per_subject(rows, problems, region.title)
    return SubjectTable(region, rows, measures_seen, problems)


def code_from_other_tables(tables: dict[str, SubjectTable]) -> list[str]:
    """Rows printed without a usable code (``7 11 02`` where the other tables print 210 11 02)
    take the code the document's other tables give the same name, where exactly one code has
    that name; the rest stay ``uncoded`` (kept, out of the facts). Returns what was resolved."""
    problems: list[str] = []
    for economic in (False, True):
        group = {k: t for k, t in tables.items() if (k in ECONOMIC_KINDS) == economic}
        codes: dict[str, set[str]] = {}
        for table in group.values():
            for row in table.rows:
                if row.row_kind == "subject" and row.subject_name:
                    codes.setdefault(row.subject_name, set()).add(row.subject_code)
        for table in group.values():
            taken = {r.subject_code for r in table.rows if r.row_kind == "subject"}
            for row in table.rows:
                found = codes.get(row.subject_name, set()) if row.row_kind == "uncoded" else set()
                if len(found) == 1 and next(iter(found)) not in taken:
                    row.subject_code, row.row_kind = next(iter(found)), "subject"
                    taken.add(row.subject_code)
                    problems.append(
                        f"{table.region.title}: '{row.subject_name}' (page {row.page}, line {row.line}) printed without a usable code; "
                        f"coded {row.subject_code} as the document's other tables print it"
                    )
    return problems


# the tables whose facts are keyed on the subject code: a code appears once among their subject
# rows (the invariant subject_code_once_per_table, dbt int_document_invariant_breaks)
KEYED_KINDS = ("income", "expenditure", "basic_expenditure")
OCR_REPEATED_CODE = "read by OCR on more than one row"  # the check ocr_subject_code_once_per_table finds it


def uncode_repeated_ocr_codes(tables: dict[str, SubjectTable], ocr_pages: set[int]) -> list[str]:
    """A subject code that a keyed table prints on more than one row, where one of those rows
    was read by OCR, is a misread code (7 for 1, 6 for 8), not a table that breaks the invariant:
    the rows read by OCR that carry it become ``uncoded`` (kept, out of the facts unless
    ``code_from_other_tables`` codes them by the name the other tables give them) and each such
    code is named, with its rows, to fail the check ``ocr_subject_code_once_per_table``. A code
    repeated among rows of the text layer is left to the invariant (the document is rejected)."""
    problems: list[str] = []
    for kind in KEYED_KINDS:
        table = tables.get(kind)
        if table is None:
            continue
        by_code: dict[str, list[SubjectRow]] = {}
        for row in table.rows:
            if row.row_kind == "subject" and row.subject_code is not None:
                by_code.setdefault(row.subject_code, []).append(row)
        for code, rows in by_code.items():
            misread = [r for r in rows if r.page in ocr_pages]
            if len(rows) < 2 or not misread:
                continue
            for row in misread:
                row.row_kind, row.subject_code = "uncoded", None
            places = ", ".join(f"page {r.page} line {r.line}" for r in rows)
            problems.append(
                f"{table.region.title}: subject {code} {OCR_REPEATED_CODE} ({places}): a misread code; "
                f"the rows read by OCR are kept uncoded: read their codes from the page image"
            )
    return problems


def _without_repeated_rows(rows: list[SubjectRow], problems: list[str], title: str) -> list[SubjectRow]:
    """A subject row printed again right below itself with the same name and amounts (a
    continuation page repeating its last row, or a 项 whose code lost its last digits and so
    restates its 款) says nothing new: it is dropped and noted."""
    kept: list[SubjectRow] = []
    for row in rows:
        previous = kept[-1] if kept else None
        if (
            previous is not None
            and row.row_kind == "subject"
            and previous.row_kind == "subject"
            and (row.subject_code, row.subject_name, row.amounts_wan)
            == (previous.subject_code, previous.subject_name, previous.amounts_wan)
        ):
            problems.append(
                f"{title}: subject {row.subject_code} printed twice with the same amounts (line {row.line}, page {row.page}); kept once"
            )
            continue
        kept.append(row)
    return kept


ECONOMIC_KINDS = {"basic_expenditure"}
_FUNCTIONAL_KINDS = {"income", "expenditure", "gpb_expenditure", "government_fund", "state_capital"}


def _aligned_across_pages(data: list[Block]) -> list[Block]:
    """Rows of a continuation page whose extraction dropped an empty leading column
    (11 cells on the first page, 10 on the next) are padded back into the first page's columns."""
    if not data:
        return data
    first_page = [r for r in data if r.page == data[0].page]
    width = max((len(r.cells) for r in first_page), default=0)
    leading = [next((i for i, c in enumerate(r.cells) if c), 0) for r in first_page if len(r.cells) == width]
    offset = max(set(leading), key=leading.count) if leading else 0
    aligned = []
    for r in data:
        gap = width - len(r.cells)
        if (
            r.page != data[0].page
            and 0 < gap <= offset
            and next((i for i, c in enumerate(r.cells) if c), 0) + gap == offset
        ):
            r = Block(r.kind, ("",) * gap + r.cells, r.line, r.page)
        aligned.append(r)
    return aligned


def _summed_per_subject(rows: list[SubjectRow], problems: list[str], title: str) -> list[SubjectRow]:
    """A functional table listed by functional × economic subject (2139899-其他农林水支出 |
    50601-资本性支出 | 31003-专用设备购置 …) repeats each functional code once per economic
    subject, an economic table listed by 部门 × 政府 subject (30101 | 50101 …, 30101 | 50501 …)
    each 部门 code once per 政府 code: the subject's figure is the sum of its rows."""
    merged: dict[str, SubjectRow] = {}
    out: list[SubjectRow] = []
    repeated = 0
    for row in rows:
        if row.row_kind != "subject" or row.subject_code is None:
            out.append(row)
            continue
        first = merged.get(row.subject_code)
        if first is None:
            merged[row.subject_code] = row
            out.append(row)
            continue
        repeated += 1
        for measure, amount in row.amounts_wan.items():
            if amount is not None:
                first.amounts_wan[measure] = (first.amounts_wan.get(measure) or Decimal(0)) + amount
    if repeated:
        problems.append(f"{title}: listed by two classifications at once; {repeated} rows summed into their subject")
    return out


def _merge_spill(previous: SubjectRow, block: Block, value_columns, compacted: bool, unit: str) -> None:
    """A row holding only amounts continues the row above (a converter broke it in two)."""
    values = [to_wan(parse_amount(c), unit) for c in block.cells if is_amount(c)]
    if compacted or previous.unresolved:
        previous.unresolved.extend(values)
        empty = [m for _, m in value_columns if previous.amounts_wan.get(m) is None]
        if len(previous.unresolved) == len(empty):
            for m, v in zip(empty, previous.unresolved):
                previous.amounts_wan[m] = v
            previous.unresolved = []
        return
    for j, m in value_columns:
        if j < len(block.cells) and is_amount(block.cells[j]) and previous.amounts_wan.get(m) is None:
            previous.amounts_wan[m] = to_wan(parse_amount(block.cells[j]), unit)
