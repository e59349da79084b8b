"""Subject codes as converters print them: split over cells, joined, spaced in one cell, or
leading the name."""

import pytest

from pipeline.cleaning import clean_cell, parse_amount
from pipeline.tables.subjects import split_subject_cells


@pytest.mark.parametrize(
    "cells, code, name",
    [
        (("208", "01", "09", "社会保险经办机构", "387.00"), "2080109", "社会保险经办机构"),
        (("2080109", "社会保险经办机构", "387.00"), "2080109", "社会保险经办机构"),
        (("208 01 09", "社会保险经办机构", "387.00"), "2080109", "社会保险经办机构"),
        (("208 01 09 社会保险经办机构", "387.00"), "2080109", "社会保险经办机构"),
        (("2080109社会保险经办机构", "387.00"), "2080109", "社会保险经办机构"),
        (("301", "01", "基本工资", "126.45"), "30101", "基本工资"),
        (("208", "", "", "社会保障和就业支出", "557.41"), "208", "社会保障和就业支出"),
        (("", "", "", "总计", "633.02"), None, "总计"),
        (("303", "09", "", "4. 30"), "30309", ""),  # Regression: a name cell holding only markup
    ],
)
def test_subject_code_and_name(cells, code, name):
    found_code, found_name, _ = split_subject_cells(cells)
    assert (found_code, found_name) == (code, name)


@pytest.mark.parametrize(
    "text, value",
    [
        ("1,462.90", "1462.90"),
        ("3, 245. 06", "3245.06"),
        ("<b>9.54</b>", "9.54"),
        ("56. <b>4</b> 6", "56.46"),
        ("", None),
        ("-", None),
        ("4 20", None),
        ("7, 10, 10", None),
        ("１２３．５", "123.5"),
    ],
)
def test_amounts_mean_what_they_say(text, value):
    parsed = parse_amount(text)
    assert (str(parsed) if parsed is not None else None) == value


def test_radicals_standing_for_ideographs_are_read_as_the_ideographs():
    """Word processors' fonts map some ideographs to Kangxi radicals of the same shape (能力 as 能⼒)."""
    assert clean_cell("能⼒提升 ⽀出") == "能力提升 支出"
    assert clean_cell("⺠") == "⺠"  # a radical without an ideograph of its own stays


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("一般公共预算拨款收入 1,234.56", "一般公共预算拨款收入 1,234.56"),  # already clean: as it is
        ("", ""),
        (" 收入  总计\u3000", "收入 总计"),
        ("\u00a0\t12\n", "12"),
        ("56. <b>4</b> 6", "56.46"),
        ("A&amp;B", "A&B"),
        ("**合计**", "合计"),
        ("项目_1", "项目_1"),
        ("⼈员经费", "人员经费"),
    ],
)
def test_clean_cell_keeps_clean_text_and_cleans_the_rest(raw, clean):
    assert clean_cell(raw) == clean
