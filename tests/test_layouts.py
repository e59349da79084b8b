"""Every sample rendered as markdown pipe tables and as HTML yields exactly the staged facts
of its text version (only provenance differs)."""

from pathlib import Path

import polars as pl
import pytest

from pipeline.readers import detect_layout
from pipeline.stage import stage_document
from pipeline.synth.render import render_html, render_markdown, render_pdf

RAW = Path(__file__).resolve().parent.parent / "data" / "raw"
SAMPLES = sorted(RAW.glob("*.txt"))
PROVENANCE = {
    "document_id",
    "source_line",
    "page",
    "page_count",
    "parse_seconds",
    "file_name",
    "sha256",
    "size_bytes",
    "layout",
    "reason",
    "sentence",
}


def _facts(staged) -> dict[str, pl.DataFrame]:
    return {
        name: frame.drop([c for c in frame.columns if c in PROVENANCE])
        for name, frame in staged.frames.items()
        if name != "parse_problems"
    }


@pytest.mark.parametrize("sample", SAMPLES, ids=[s.name[:3] for s in SAMPLES])
@pytest.mark.parametrize(
    "layout, render, suffix", [("markdown", render_markdown, ".md"), ("html", render_html, ".html")]
)
def test_rendering_yields_the_same_facts_as_text(tmp_path, sample, layout, render, suffix):
    rendered = tmp_path / (sample.stem + suffix)
    rendered.write_text(render(sample), encoding="utf-8")
    assert detect_layout(rendered.read_bytes()) == layout
    expected, actual = _facts(stage_document(sample)), _facts(stage_document(rendered))
    assert actual["documents"]["status"].to_list() == ["loaded"]
    for name in expected:
        assert actual[name].equals(expected[name]), f"{layout} {name} differs"


@pytest.mark.parametrize("sample", SAMPLES, ids=[s.name[:3] for s in SAMPLES])
def test_pdf_rendering_yields_the_same_facts_as_text(tmp_path, sample):
    """Ruled tables, header rows repeated over page breaks, landscape pages, wrapped cells, page numbers."""
    rendered = render_pdf(sample, tmp_path / (sample.stem + ".pdf"))
    staged = stage_document(rendered)
    assert staged.status["layout"] == "pdf" and staged.status["page_count"] > 10
    expected, actual = _facts(stage_document(sample)), _facts(staged)
    assert actual["documents"]["status"].to_list() == ["loaded"]
    for name in expected:
        assert actual[name].equals(expected[name]), f"pdf {name} differs"
    assert staged.frames["subject_amounts"]["page"].drop_nulls().min() >= 1  # provenance is the page


def test_markdown_in_a_txt_file_is_detected_as_markdown(tmp_path):
    path = tmp_path / "disclosure.txt"
    path.write_text(render_markdown(SAMPLES[0]), encoding="utf-8")
    assert detect_layout(path.read_bytes()) == "markdown"


@pytest.mark.parametrize("sample", SAMPLES, ids=[s.name[:3] for s in SAMPLES])
def test_unruled_pdf_tables_fall_back_to_text_alignment(tmp_path, sample):
    """Without rulings, columns come from the x extents of the data cells. Tables whose cells
    wrap over several lines (project names) are not yet merged back: this pins what holds."""
    rendered = render_pdf(sample, tmp_path / (sample.stem + ".pdf"), ruled=False)
    expected, actual = _facts(stage_document(sample)), _facts(stage_document(rendered))
    for name in ("budget_changes", "narrative_facts"):
        assert actual[name].equals(expected[name])
    for name, kinds in (("line_items", ["budget_summary"]), ("subject_amounts", ["gpb_expenditure"])):

        def amounts(frame, kinds=kinds):
            frame = frame.filter(pl.col("table_kind").is_in(kinds) & pl.col("amount_wan").is_not_null()).drop("row_seq")
            return frame.sort(frame.columns, nulls_last=True)

        assert amounts(actual[name]).equals(amounts(expected[name]))
