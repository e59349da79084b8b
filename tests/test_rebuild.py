"""What a build redoes, decided by pipeline/rebuild.py and planned by pipeline/shards.py: plain
functions, tested without a build (as dagster-open-platform tests its dbt argument builders)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pipeline import rebuild
from pipeline.rebuild import plan_shard, shard_of
from pipeline.shards import DOCUMENTS_PER_TASK, SMALL_FILE_BYTES, pool_size, worker_tasks

REPO = Path(__file__).resolve().parent.parent


def _step(
    built_transform="t1", current_transform="t1", built_staging="s1", current_staging="s1", published_staging="s1"
):
    return rebuild.dbt_step(
        built_transform=built_transform,
        current_transform=current_transform,
        built_staging=built_staging,
        current_staging=current_staging,
        published_staging=published_staging,
    )


def test_nothing_changed_means_no_dbt_work():
    assert _step().arguments is None


def test_a_changed_document_builds_incrementally_without_seeds_and_views():
    assert _step(current_staging="s2").arguments == [
        "build",
        "--exclude",
        "resource_type:seed config.materialized:view",
    ]


def test_changed_code_or_a_first_build_refreshes_everything():
    assert _step(current_transform="t2").arguments == ["build", "--full-refresh"]
    assert _step(built_transform=None, built_staging=None, published_staging=None).arguments == [
        "build",
        "--full-refresh",
    ]
    # code changed and documents changed: still one full refresh
    assert _step(current_transform="t2", current_staging="s2").arguments == ["build", "--full-refresh"]


def test_a_build_that_did_not_publish_is_built_again_to_publish():
    """The marts are current but the published warehouse is not that build (deleted, or the
    publish failed): dbt runs (incrementally, nothing to add) so the publish step runs."""
    for published in (None, "s0"):
        step = _step(published_staging=published)
        assert step.arguments == rebuild.INCREMENTAL_BUILD and "not the last build" in step.reason


def test_fingerprints_change_with_the_code_they_cover(tmp_path):
    root = tmp_path / "src"
    root.mkdir()
    (root / "a.py").write_text("x = 1\n")
    before = rebuild.source_fingerprint(root, [root / "a.py"], "lib 1.0")
    assert rebuild.source_fingerprint(root, [root / "a.py"], "lib 1.0") == before
    assert rebuild.source_fingerprint(root, [root / "a.py"], "lib 1.1") != before  # a library upgrade
    (root / "a.py").write_text("x = 2\n")
    assert rebuild.source_fingerprint(root, [root / "a.py"], "lib 1.0") != before


def test_stamps_round_trip_and_the_staged_documents_fingerprint_moves_with_them(tmp_path):
    con = duckdb.connect(str(tmp_path / "build.duckdb"))
    assert rebuild.stored_fingerprint(con, "transform") is None
    rebuild.record_fingerprint(con, "transform", "abc")
    rebuild.record_fingerprint(con, "transform", "def")
    assert rebuild.stored_fingerprint(con, "transform") == "def"
    con.execute(
        "create table parsed.documents (document_id varchar, file_name varchar, sha256 varchar, status varchar, "
        "unit_name varchar, year integer)"
    )
    con.execute("create table parsed.unit_geography (unit_name varchar, admin_code varchar)")
    empty = rebuild.staging_fingerprint(con)
    con.execute("insert into parsed.documents values ('d1', 'a.txt', 'h1', 'loaded', '某单位', 2026)")
    one = rebuild.staging_fingerprint(con)
    con.execute("update parsed.documents set status = 'superseded'")
    assert len({empty, one, rebuild.staging_fingerprint(con)}) == 3
    con.close()
    assert rebuild.published_fingerprint(tmp_path / "build.duckdb", "transform") == "def"
    assert rebuild.published_fingerprint(tmp_path / "absent.duckdb", "transform") is None


def test_a_shard_parses_what_is_new_or_changed_and_drops_what_was_removed():
    files = [{"file_name": f"{n}.txt", "sha256": f"{n:08x}" + "0" * 56} for n in range(12)]
    index = shard_of(files[0]["sha256"])
    mine = [f for f in files if shard_of(f["sha256"]) == index]
    staged = {mine[0]["file_name"]: mine[0]["sha256"], "gone.txt": "f" * 64}
    if len(mine) > 1:
        staged[mine[1]["file_name"]] = "0" * 64  # changed since it was staged
    plan = plan_shard(index, files, staged)
    assert plan.documents == len(mine)
    assert [f["file_name"] for f in plan.to_parse] == [f["file_name"] for f in mine[1:]]
    assert plan.removed == ["gone.txt"]


def test_a_copy_whose_original_was_removed_is_parsed_again_to_stand_for_the_content():
    content = "a" * 64
    index = shard_of(content)
    files = [{"file_name": "copy.txt", "sha256": content}, {"file_name": "other.txt", "sha256": content[:-1] + "b"}]
    staged = {"original.txt": content, "copy.txt": content}  # copy.txt was staged as its duplicate
    staged.update({f["file_name"]: f["sha256"] for f in files[1:] if shard_of(f["sha256"]) == index})
    plan = plan_shard(index, files, staged)
    assert plan.removed == ["original.txt"]
    assert [f["file_name"] for f in plan.to_parse] == ["copy.txt"]


def test_a_pool_only_where_it_pays():
    assert pool_size(workers=4, documents=5) == 1
    assert pool_size(workers=4, documents=100) == 4
    assert pool_size(workers=1, documents=100) == 1


def test_small_files_go_to_a_worker_several_to_a_task_and_large_ones_alone():
    sizes = [100] * (DOCUMENTS_PER_TASK + 2) + [SMALL_FILE_BYTES + 1] + [100] * 2 + [SMALL_FILE_BYTES + 1]
    tasks = worker_tasks([{"size_bytes": size} for size in sizes])
    n = DOCUMENTS_PER_TASK
    assert tasks == [list(range(n)), [n, n + 1], [n + 2], [n + 3, n + 4], [n + 5]]
    assert worker_tasks([]) == []


@pytest.mark.skipif(not (REPO / ".git").exists(), reason="needs the git checkout to clone")
def test_the_definitions_load_from_a_fresh_clone_after_prepare(tmp_path):
    """As a deployment does: clone, `budget prepare`, then the daemon imports pipeline.definitions.
    Before prepare, the import says the manifest is missing; importing writes nothing."""
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(REPO), str(clone)], check=True, timeout=120)
    env = {"PYTHONPATH": str(clone), "PATH": str(Path(sys.executable).parent) + ":/usr/bin:/bin", "HOME": str(tmp_path)}
    load = [
        sys.executable,
        "-c",
        "import pipeline, pipeline.definitions as d; "
        f"assert pipeline.__file__.startswith({str(clone)!r}); print(len(list(d.defs.assets)), sorted(d.defs.resources))",
    ]
    before = subprocess.run(load, cwd=clone, env=env, capture_output=True, text=True, timeout=300)
    assert before.returncode != 0 and "manifest" in before.stderr.lower()
    assert subprocess.run(["git", "status", "--porcelain"], cwd=clone, capture_output=True, text=True).stdout == ""
    prepared = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "prepare"],
        cwd=clone,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert prepared.returncode == 0, prepared.stderr[-2000:]
    after = subprocess.run(load, cwd=clone, env=env, capture_output=True, text=True, timeout=300)
    assert after.returncode == 0, after.stderr[-2000:]
    assert "['dbt', 'parsing', 'paths', 'published']" in after.stdout


def test_a_byte_code_cache_in_the_dbt_project_is_not_a_change(monkeypatch, tmp_path):
    """sqlfluff's templater imports dbt_project/sqlfluff_libs/ and Python writes __pycache__ beside
    it: in a fresh clone that happened between two builds and forced a full refresh."""
    project = tmp_path / "dbt_project"
    (project / "macros").mkdir(parents=True)
    (project / "macros" / "a.sql").write_text("select 1\n")
    monkeypatch.setattr(rebuild, "DBT_PROJECT_DIR", project)
    before = rebuild.dbt_project_fingerprint()
    (project / "sqlfluff_libs" / "__pycache__").mkdir(parents=True)
    (project / "sqlfluff_libs" / "__pycache__" / "libs.cpython-311.pyc").write_bytes(b"\0cache")
    assert rebuild.dbt_project_fingerprint() == before
    (project / "macros" / "a.sql").write_text("select 2\n")
    assert rebuild.dbt_project_fingerprint() != before


def test_the_manifest_a_night_with_nothing_new_checks_is_the_one_dagster_dbt_loads():
    from pipeline.defs.dbt import dbt_project

    assert dbt_project.manifest_path == rebuild.MANIFEST
