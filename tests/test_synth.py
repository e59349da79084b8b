"""`budget synth` writes realistic, consistent, deterministic disclosures the pipeline reads back."""

import hashlib
import subprocess
import sys
from pathlib import Path

import duckdb

from pipeline.synth.accuracy import field_accuracy
from pipeline.synth.corpus import write_corpus
from tests.conftest import build_warehouse


def _digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.iterdir()):
        if path.suffix != ".pdf":  # reportlab stamps PDFs with their creation time
            digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


def test_same_seed_same_corpus(tmp_path):
    write_corpus(tmp_path / "a", 3, [2026], ["text", "markdown", "html"], seed=11)
    write_corpus(tmp_path / "b", 3, [2026], ["text", "markdown", "html"], seed=11)
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b")
    write_corpus(tmp_path / "c", 3, [2026], ["text", "markdown", "html"], seed=12)
    assert _digest(tmp_path / "c") != _digest(tmp_path / "a")


def test_synthetic_corpus_in_every_layout_is_read_back_accurately(tmp_path):
    corpus = tmp_path / "corpus"
    budget = Path(sys.executable).parent / "budget"
    result = subprocess.run(
        [
            str(budget),
            "synth",
            "--units",
            "4",
            "--years",
            "2025,2026",
            "--layouts",
            "text,pdf,markdown,html",
            "--out",
            str(corpus),
            "--seed",
            "3",
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert {p.suffix for p in corpus.iterdir()} == {".txt", ".pdf", ".md", ".html", ".json"}
    warehouse = tmp_path / "budget.duckdb"
    assert build_warehouse(corpus, warehouse).returncode == 0
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("select count(*) from document_status where status = 'loaded'").fetchone()[0] == 8
        assert con.execute("select count(*) from dim_unit where is_place_resolved").fetchone()[0] == 4
        # internally consistent: sums, splits and cross-table restatements all reconcile
        failing = con.execute(
            "select check_name from dq_check_result where status = 'fail' "
            "and check_name not in ('empty_table_has_statement')"
        ).fetchall()
        assert failing == []
    report = field_accuracy(warehouse, corpus)
    assert report["fields"] > 300
    assert report["accuracy"] >= 0.995, report["misses"]
