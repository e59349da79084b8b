"""Both PDF engines (PDFium, the default, and pdfplumber, the reference) give the same staged
facts, and the engine-neutral word and table logic behaves as pdfplumber's own."""

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import numpy as np
import pdfplumber.utils as plumber
import pypdfium2
import pytest
from pdfplumber.table import TableFinder
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from pipeline.intermediate import UnreadableDocument
from pipeline.readers import pdf as pdf_reader
from pipeline.readers import pdf_page, pdfium_batch, pdfium_engine
from pipeline.readers.pdf_page import Char, PageContent, make_char, make_edge
from pipeline.readers.pdf_tables import CharsByMidpoint, find_tables, table_rows
from pipeline.readers.pdf_words import cell_text, dedupe_chars, words
from pipeline.readers.pdfium_engine import PdfiumDocument, display_transforms
from pipeline.readers.pdfplumber_engine import PdfplumberDocument
from pipeline.stage import stage_document
from pipeline.synth.render import render_pdf

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "real" / "corpus"
SAMPLES = sorted((Path(__file__).resolve().parent.parent / "data" / "raw").glob("*.txt"))
SAMPLE = SAMPLES[0]
# pdfminer drops the middle dot of 古丽皮耶·阿地力江 in the first sample (PDFium reads it, as the
# text has it), which leaves the staged facts alone but not the blocks: compare blocks on this one
PLAIN_SAMPLE = SAMPLES[1]
REAL = {
    # ruled tables on portrait and landscape pages, a two-level header, 万元 with six decimals
    "beijing_tables": "北京/审计局_附件2：北京市审计局2026年度部门预算报表_d58caa.pdf",
    # tables without rulings (columns from the text's alignment)
    "beijing_unruled": "北京/2026年北京市人民政府国有资产监督管理委员会部门预算_a625fb.pdf",
    # fake-bold titles printed several times over
    "huizhou_fake_bold": "惠州/2026年惠州市退役军人事务局部门预算_6185df.pdf",
    # CJK fonts the PDF does not embed: PDFium reads them with the stand-in font where the machine has none
    "beijing_missing_font": "北京/2026年北京市审计局部门预算_cc6b58.pdf",
}


def _rows(staged) -> dict[str, list[dict]]:
    return {name: frame.drop("parse_seconds", strict=False).to_dicts() for name, frame in staged.frames.items()}


def _same_facts(path: Path) -> None:
    pdfium, plumber = _rows(stage_document(path, engine="pdfium")), _rows(stage_document(path, engine="pdfplumber"))
    for name in plumber:
        assert pdfium[name] == plumber[name], f"{path.name}: {name} differs between the engines"


@pytest.mark.parametrize("name", REAL)
def test_real_pdf_stages_the_same_facts_under_both_engines(name):
    path = CORPUS / REAL[name]
    if not path.exists():
        pytest.skip(f"{path} is not beside the repository")
    _same_facts(path)


def _pages(path: Path) -> list[PageContent]:
    document = PdfiumDocument(path, path.read_bytes())
    return [document.read_page(number) for number in range(1, document.page_count + 1)]


def test_the_compiled_getter_loops_are_built_by_the_install():
    assert pdfium_batch.compiled() is not None, (
        "pipeline/readers/_pdfium_batch.c was not built: `pip install -e .` compiles it (it needs a C compiler);"
        " without it PDFs are read several times slower"
    )


@pytest.mark.parametrize("name", REAL)
def test_compiled_and_python_getter_loops_read_every_page_alike(name, monkeypatch):
    path = CORPUS / REAL[name]
    if not path.exists():
        pytest.skip(f"{path} is not beside the repository")
    compiled = _pages(path)
    monkeypatch.setattr(pdfium_batch, "compiled", lambda: None)
    assert _pages(path) == compiled


@pytest.mark.parametrize("ruled", [True, False], ids=["ruled", "unruled"])
def test_rendered_sample_stages_the_same_facts_under_both_engines(tmp_path, ruled):
    path = render_pdf(SAMPLE, tmp_path / "sample.pdf", ruled=ruled)
    _same_facts(path)
    assert stage_document(path).frames["subject_amounts"].height > 0


def _reread(source: Path, target: Path, rotation: int = 0, shift: tuple[float, float] = (0, 0)) -> Path:
    """The PDF with every page turned by /Rotate and its MediaBox and CropBox moved."""
    pdf = pypdfium2.PdfDocument(str(source))
    for page in pdf:
        x0, y0, x1, y1 = page.get_mediabox()
        dx, dy = shift
        page.set_mediabox(x0 + dx, y0 + dy, x1 + dx, y1 + dy)
        page.set_cropbox(x0 + dx + 5, y0 + dy + 5, x1 + dx - 5, y1 + dy - 5)
        page.set_rotation(rotation)
    pdf.save(str(target))
    pdf.close()
    return target


@pytest.mark.parametrize("rotation, shift", [(0, (30, -40)), (90, (0, 0)), (180, (12, 7)), (270, (0, 0))])
def test_rotated_and_offset_pages_read_the_same_blocks(tmp_path, rotation, shift):
    path = _reread(render_pdf(PLAIN_SAMPLE, tmp_path / "sample.pdf"), tmp_path / "turned.pdf", rotation, shift)
    data = path.read_bytes()
    pdfium = pdf_reader.read(path, data, engine="pdfium")
    assert pdfium.blocks == pdf_reader.read(path, data, engine="pdfplumber").blocks
    if rotation == 0:  # a moved MediaBox changes nothing
        original = tmp_path / "sample.pdf"
        assert pdfium.blocks == pdf_reader.read(original, original.read_bytes(), engine="pdfium").blocks


def _pdf(path: Path, draw, rotation: int = 0) -> Path:
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setPageRotation(rotation)
    draw(c)
    c.save()
    return path


def _both(path: Path) -> list[tuple[str, ...]]:
    data = path.read_bytes()
    pdfium, plumber = (pdf_reader.read(path, data, engine=e) for e in ("pdfium", "pdfplumber"))
    assert pdfium.blocks == plumber.blocks
    return [b.cells for b in pdfium.blocks]


def test_a_pdf_pdfium_cannot_open_gets_the_reference_engines_verdict(tmp_path):
    good = _pdf(tmp_path / "good.pdf", lambda c: c.drawString(100, 700, "hello"))
    truncated = tmp_path / "truncated.pdf"
    truncated.write_bytes(good.read_bytes()[:300])
    verdicts = []
    for engine in ("pdfium", "pdfplumber"):
        with pytest.raises(UnreadableDocument) as err:
            pdf_reader.read(truncated, truncated.read_bytes(), engine=engine)
        verdicts.append((err.value.status, err.value.reason))
    assert verdicts[0] == verdicts[1] and verdicts[0][0] == "corrupt"


def test_landscape_content_on_a_rotated_page_reads_upright(tmp_path):
    def draw(c):
        c.translate(A4[0], 0)
        c.rotate(90)  # the page is shown turned a quarter, so content drawn this way reads upright
        c.setFont("Helvetica", 11)
        c.drawString(60, 500, "Income total")
        c.drawString(400, 500, "1,234.56")
        c.drawString(60, 480, "Expenditure total")
        c.drawString(400, 480, "1,234.56")

    cells = _both(_pdf(tmp_path / "turned.pdf", draw, rotation=90))
    assert cells == [("Income total", "1,234.56"), ("Expenditure total", "1,234.56")]


def test_whitespace_drawn_on_its_own_still_separates_words(tmp_path):
    # Regression: PDFium leaves text objects holding only a space out of its text page
    def draw(c):
        c.setFont("Helvetica", 8)
        c.drawString(100, 700, "1.")  # ends at 106.672
        c.drawString(106.672, 700, " ")
        c.drawString(109.172, 700, "General")  # 2.5 pt on: one word but for the space

    assert _both(_pdf(tmp_path / "space.pdf", draw)) == [("1. General",)]


def test_hyphen_at_a_line_end_stays_a_hyphen(tmp_path):
    def draw(c):
        c.setFont("Helvetica", 12)
        c.drawString(100, 700, "The budget of the inter-")
        c.drawString(100, 685, "national office")

    assert _both(_pdf(tmp_path / "hyphen.pdf", draw)) == [("The budget of the inter-",), ("national office",)]


def test_single_glyphs_of_a_font_pdfium_cannot_draw_are_read_by_the_reference(tmp_path):
    def draw(c):
        c.setFont("STSong-Light", 14)
        for i, ch in enumerate("部门预算"):  # one text object per glyph, in a CJK font that is not embedded
            c.drawString(100 + 14 * i, 700, ch)
        c.drawString(100, 680, "收入总计 1,234.56")

    assert _both(_pdf(tmp_path / "font.pdf", draw))[0] == ("部门预算",)


def test_where_pdfium_cannot_draw_a_font_the_pdf_does_not_embed_its_pages_are_read_by_the_reference(
    tmp_path, monkeypatch
):
    """Were neither a font of the machine nor the stand-in to serve a non-embedded CJK font, PDFium
    would drop some of its characters while reading the others: such a page is the reference's."""
    path = render_pdf(PLAIN_SAMPLE, tmp_path / "sample.pdf")
    monkeypatch.setattr(pdfium_engine, "draws_missing_fonts", lambda: False)
    pdfium = PdfiumDocument(path, path.read_bytes())
    assert not any(pdfium.read_page(n).complete for n in range(1, pdfium.page_count + 1))
    data = path.read_bytes()
    assert (
        pdf_reader.read(path, data, engine="pdfium").blocks == pdf_reader.read(path, data, engine="pdfplumber").blocks
    )


_WITHOUT_MACHINE_FONTS = """
import json, sys
from pathlib import Path
import pypdfium2.raw as pdfium_c
pdfium_c.FPDF_GetDefaultSystemFontInfo = lambda: None  # none of the machine's fonts: the stand-in or nothing
from pipeline.readers import pdf as pdf_reader, pdfium_engine
from pipeline.stage import stage_document
real, sample = Path(sys.argv[1]), Path(sys.argv[2])
document = pdfium_engine.PdfiumDocument(real, real.read_bytes())
print(json.dumps({
    "draws_missing_fonts": pdfium_engine.draws_missing_fonts(),
    "stand_in_leaves_ink": pdfium_engine.cjk_font_installed(),
    "complete": [document.read_page(n).complete for n in range(1, document.page_count + 1)],
    "facts": {name: repr(frame.drop("parse_seconds", strict=False).to_dicts())
              for name, frame in stage_document(real, engine="pdfium").frames.items()},
    "sample_blocks": repr(pdf_reader.read(sample, sample.read_bytes(), engine="pdfium").blocks),
}))
"""


def test_without_machine_fonts_pdfium_reads_cjk_fonts_a_pdf_does_not_embed_with_the_stand_in(tmp_path):
    """With none of the machine's fonts (PDFium's default font lookup taken away, in a process of
    its own), every page of a real PDF printing in CJK fonts it does not embed is PDFium's own, with
    the reference's facts; a rendered sample's blocks are the reference's; the stand-in draws no ink."""
    real = CORPUS / REAL["beijing_missing_font"]
    if not real.exists():
        pytest.skip(f"{real} is not beside the repository")
    sample = render_pdf(PLAIN_SAMPLE, tmp_path / "sample.pdf")
    done = subprocess.run(
        [sys.executable, "-c", _WITHOUT_MACHINE_FONTS, str(real), str(sample)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "BUDGET_OCR": "off"},
    )
    read = json.loads(done.stdout)
    assert read["draws_missing_fonts"] and not read["stand_in_leaves_ink"]
    assert all(read["complete"])
    reference = stage_document(real, engine="pdfplumber").frames
    assert read["facts"] == {
        name: repr(frame.drop("parse_seconds", strict=False).to_dicts()) for name, frame in reference.items()
    }
    assert read["sample_blocks"] == repr(pdf_reader.read(sample, sample.read_bytes(), engine="pdfplumber").blocks)


def test_a_radical_a_font_maps_an_ideograph_to_reads_as_the_ideograph():
    assert [c.text for c in dedupe_chars([make_char("⼒", 10, 10, 20, 20, 10, "F")])] == ["力"]
    (from_columns,) = pdf_page.make_chars(["⽀"], *(np.array([v]) for v in (10, 10, 20, 20, 10)), ["F"], [True])
    assert from_columns.text == "支"


# --- the engine-neutral logic -------------------------------------------------------------


def _chars(
    text: str, x: float, top: float, size: float = 12, advance: float | None = None, upright: bool = True
) -> list[Char]:
    advance = size if advance is None else advance
    return [
        make_char(ch, x + i * advance, top, x + (i + 1) * advance, top + size, size, "SimSun", upright)
        for i, ch in enumerate(text)
    ]


def _texts(found) -> list[str]:
    return [w.text for w in found]


def test_adjacent_characters_make_one_word():
    assert _texts(words(_chars("收入总计", 100, 50))) == ["收入总计"]


def test_a_gap_wider_than_three_points_starts_a_new_word():
    assert _texts(words(_chars("收入", 100, 50) + _chars("总计", 127.01, 50))) == ["收入", "总计"]
    assert _texts(words(_chars("收入", 100, 50) + _chars("总计", 127, 50))) == ["收入总计"]


def test_a_blank_character_ends_a_word_without_a_gap():
    assert _texts(words(_chars("1. 一般", 100, 50, advance=6))) == ["1.", "一般"]


def test_words_are_read_left_to_right_whatever_the_drawing_order():
    assert _texts(words(list(reversed(_chars("支出", 100, 50) + _chars("合计", 140, 50))))) == ["支出", "合计"]


def test_tops_within_three_points_are_one_line_chained():
    chars = _chars("甲", 100, 50) + _chars("乙", 200, 52.5) + _chars("丙", 300, 55) + _chars("丁", 100, 58.01)
    assert _texts(words(chars)) == ["甲", "乙", "丙", "丁"]
    assert cell_text(chars) == "甲 乙 丙\n丁"  # 52.5 is within 3 of 50, 55 of 52.5, but 58.01 not of 55


def test_vertical_text_reads_top_to_bottom():
    chars = [
        make_char(ch, 100, 50 + 12 * i, 112, 62 + 12 * i, 12, "SimSun", upright=False) for i, ch in enumerate("项目")
    ]
    assert _texts(words(list(reversed(chars)))) == ["项目"]


def test_overprinted_characters_are_read_once():
    title = _chars("收支总表", 100, 50)
    bold = [c._replace(x0=c.x0 + d, x1=c.x1 + d) for d in (0.0, 0.3, 0.6) for c in title]
    assert "".join(c.text for c in dedupe_chars(bold)) == "收支总表"


def test_a_glyph_printed_twice_at_the_same_place_reads_once_on_any_page():
    # Regression: PDFium drops most overprinted copies itself, which left pages under the 5 %
    # that switches on the 1 pt dedupe with their remaining exact copies (2026 read 22002266)
    body = _chars("本部门预算收支总表说明" * 10, 60, 300)
    header = _chars("2026年", 420, 40, advance=6)
    page = PageContent(1, 595, 842, body + header + header, [])
    assert next(cells for _top, _kind, cells, *_ in pdf_reader.page_items(page)) == ("2026年",)


def _as_dicts(chars: list[Char]) -> list[dict]:
    return [{**c._asdict(), "doctop": c.top, "width": c.x1 - c.x0, "height": c.bottom - c.top} for c in chars]


def _random_page(seed: int) -> list[Char]:
    """Characters in lines with gaps on and around the word-breaking thresholds, some blank, some vertical."""
    rng = random.Random(seed)
    chars: list[Char] = []
    for line in range(12):
        top, x = 40 + line * rng.choice([2.5, 3, 3.01, 14]), 50.0
        upright = rng.random() > 0.1
        for _ in range(rng.randint(1, 14)):
            size = rng.choice([9, 10.5, 12])
            text = rng.choice("收支合计0123456789., ")
            chars.append(
                make_char(text, x, top + rng.choice([0, 0.5, -0.4]), x + size / 2, top + size, size, "F", upright)
            )
            x += size / 2 + rng.choice([0, 0, 1.5, 3, 3.001, 2.999, 9, -1])
    rng.shuffle(chars)
    return chars


@pytest.mark.parametrize("seed", range(20))
def test_words_text_and_dedupe_match_pdfplumber(seed):
    chars = _random_page(seed)
    expected = [(w["text"], w["x0"], w["top"], w["x1"], w["bottom"]) for w in plumber.extract_words(_as_dicts(chars))]
    assert [tuple(w) for w in words(chars)] == expected
    assert cell_text(chars) == plumber.extract_text(_as_dicts(chars))
    for line in range(12):  # and each line alone, as a table cell holds it
        cell = [c for c in chars if 40 + line * 2.5 <= c.top < 40 + (line + 1) * 2.5]
        assert cell_text(cell) == plumber.extract_text(_as_dicts(cell))
    deduped = plumber.dedupe_chars(_as_dicts(chars), tolerance=1)
    assert [(c["text"], c["x0"], c["top"]) for c in deduped] == [(c.text, c.x0, c.top) for c in dedupe_chars(chars)]


def _moved(edge: dict, distance: float) -> dict:
    keys = ("x0", "x1") if edge["orientation"] == "v" else ("top", "bottom")
    return {**edge, **{k: edge[k] + distance for k in keys}}


class _PlumberPage:
    """What pdfplumber's TableFinder and Table.extract read of a page."""

    def __init__(self, page: PageContent):
        self.edges, self.bbox, self.chars = page.edges, (0, 0, page.width, page.height), _as_dicts(page.chars)


@pytest.mark.parametrize("ruled", [True, False], ids=["ruled", "unruled"])
def test_tables_and_their_cells_match_pdfplumbers_table_finder(tmp_path, ruled):
    path = render_pdf(PLAIN_SAMPLE, tmp_path / "sample.pdf", ruled=ruled)
    with PdfiumDocument(path, path.read_bytes()) as document:
        pages = [document.read_page(n) for n in range(1, document.page_count + 1)]
    # shifted edges put snapping, joining and intersection tolerances to work
    jittered = [
        PageContent(p.number, p.width, p.height, p.chars, [_moved(e, (i % 3) * 1.4) for i, e in enumerate(p.edges)])
        for p in pages
    ]
    for page in pages + jittered:
        expected = TableFinder(_PlumberPage(page)).tables
        found = find_tables(page.edges)
        assert [t.cells for t in found] == [t.cells for t in expected]
        index = CharsByMidpoint(page.chars)
        assert [table_rows(t, index) for t in found] == [t.extract() for t in expected]


def _grid(xs: list[float], tops: list[float]) -> list[dict]:
    return [make_edge("v", x, tops[0], x, tops[-1]) for x in xs] + [make_edge("h", xs[0], t, xs[-1], t) for t in tops]


def test_a_ruled_grid_becomes_table_rows_and_merged_cells_stay_empty():
    chars = (
        _chars("项目", 60, 104)
        + _chars("金额", 160, 104)
        + _chars("合计", 60, 124)
        + _chars("9.50", 160, 124, advance=6)
    )
    page = PageContent(1, 595, 842, chars, _grid([50, 150, 250], [100, 120, 140]))
    assert [(kind, cells) for _top, kind, cells, *_ in pdf_reader.page_items(page)] == [
        ("row", ("项目", "金额")),
        ("row", ("合计", "9.50")),
    ]


def test_an_unruled_table_takes_its_columns_from_the_amounts():
    chars = (
        _chars("收入", 60, 100)
        + _chars("1,000.00", 300, 100, advance=6)
        + _chars("支出", 60, 120)
        + _chars("800.00", 312, 120, advance=6)
    )
    page = PageContent(1, 595, 842, chars, [])
    assert [cells for _top, _kind, cells, *_ in pdf_reader.page_items(page)] == [
        ("收入", "1,000.00"),
        ("支出", "800.00"),
    ]


def test_coordinates_a_fraction_of_the_grid_apart_read_alike():
    # PDFium's single-precision coordinates differ from pdfminer's by up to 0.0005 pt
    exact = _chars("具体：", 70.475, 150) + _chars("1.", 106.475, 150, advance=3) + _chars("普陀", 115.475, 150)
    noisy = [
        make_char(c.text, c.x0 + 0.0003, c.top - 0.0002, c.x1 + 0.0004, c.bottom, c.size, c.fontname) for c in exact
    ]
    assert words(noisy) == words(exact)


def test_display_transform_maps_rotated_and_offset_pages_like_pdfplumber():
    _, to_page = display_transforms((10, 20, 610, 820), 0)
    # pdfplumber keeps x as it is and takes top as the box's height less y (not its top edge less y)
    assert to_page == (1.0, 0.0, 0.0, -1.0, 0.0, 800.0)
    _, turned = display_transforms((0, 0, 600, 800), 90)
    assert turned[:4] == (0.0, 1.0, 1.0, 0.0)  # x ← y, top ← x


def test_an_unknown_engine_is_refused_with_the_variable_to_set(monkeypatch):
    monkeypatch.setenv("BUDGET_PDF_ENGINE", "mupdf")
    with pytest.raises(ValueError, match="BUDGET_PDF_ENGINE"):
        pdf_reader.engine_named()
    monkeypatch.setenv("BUDGET_PDF_ENGINE", "pdfplumber")
    assert pdf_reader.engine_named() == "pdfplumber" and pdf_reader.engine_named("pdfium") == "pdfium"


def _inked(chars: list[Char]) -> list[tuple]:
    """Characters other than blanks (PDFium keeps one of a run of spaces, at zero width), in reading order."""
    return sorted((c.top, c.x0, c.text, c.bottom, c.x1) for c in chars if not c.text.isspace())


def test_both_engines_read_the_same_characters_and_edges(tmp_path):
    path = render_pdf(PLAIN_SAMPLE, tmp_path / "sample.pdf")
    data = path.read_bytes()
    with PdfiumDocument(path, data) as pdfium, PdfplumberDocument(path, data) as plumber_doc:
        for number in (1, pdfium.page_count):
            a, b = pdfium.read_page(number), plumber_doc.read_page(number)
            assert (a.width, a.height) == (b.width, b.height)
            pdfium_chars, plumber_chars = _inked(a.chars), _inked(b.chars)
            assert [c[2] for c in pdfium_chars] == [c[2] for c in plumber_chars]
            # to a step of the 0.001 pt grid (a value halfway between two steps rounds either way)
            assert all(abs(p[i] - q[i]) <= 0.0011 for p, q in zip(pdfium_chars, plumber_chars) for i in (0, 1, 3))
            # a glyph whose ink overhangs its advance, last of its text object: PDFium's box holds the ink
            overhanging = [(p, q) for p, q in zip(pdfium_chars, plumber_chars) if abs(p[4] - q[4]) > 0.0011]
            assert len(overhanging) <= len(plumber_chars) // 100 and all(p[4] > q[4] for p, q in overhanging)
            edge = lambda e: (e["orientation"], e["x0"], e["top"], e["x1"], e["bottom"])  # noqa: E731
            assert sorted(map(edge, a.edges)) == sorted(map(edge, b.edges))


def test_edges_of_curves_lines_and_closed_subpaths_are_pdfplumbers(tmp_path):
    """Paths that are neither one line nor one four-sided figure: subpaths of curves (of whose
    three points only the last counts), lines and closes, a redundant line back to the start,
    a rectangle drawn as lines inside a longer path: the edges pdfplumber finds."""

    def draw(c):
        path = c.beginPath()
        path.moveTo(100, 700)
        path.curveTo(150, 750, 200, 750, 250, 700)  # a curve ending level with its start
        path.lineTo(250, 600)
        path.lineTo(100, 600)
        path.close()
        path.moveTo(300, 500)  # a rectangle of lines, closed by a redundant line back to the start
        for x, y in ((400, 500), (400, 450), (300, 450), (300, 500)):
            path.lineTo(x, y)
        path.close()
        path.moveTo(120, 400)  # a line as a subpath of its own
        path.lineTo(320, 400)
        path.moveTo(50, 300)  # a staircase of curves and lines
        path.curveTo(60, 310, 70, 320, 80, 300)
        path.lineTo(80, 250)
        path.curveTo(90, 260, 100, 240, 150, 250)
        path.lineTo(150, 200)
        c.drawPath(path, stroke=1, fill=0)
        c.drawString(100, 150, "text")

    pdf = _pdf(tmp_path / "curves.pdf", draw)
    data = pdf.read_bytes()
    with PdfiumDocument(pdf, data) as pdfium, PdfplumberDocument(pdf, data) as plumber_doc:
        ours, theirs = pdfium.read_page(1).edges, plumber_doc.read_page(1).edges
    edge = lambda e: (e["orientation"], e["x0"], e["top"], e["x1"], e["bottom"])  # noqa: E731
    assert len(ours) >= 10
    assert sorted(map(edge, ours)) == sorted(map(edge, theirs))
