"""`budget report` writes one self-contained HTML file whose charts draw in headless Chromium."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def report(warehouse, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("report") / "report.html"
    budget = Path(sys.executable).parent / "budget"
    result = subprocess.run([str(budget), "report", "--warehouse", str(warehouse), "--out", str(out)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return out


def test_report_is_self_contained(report):
    page = report.read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)  # nothing fetched from the network
    assert "克孜勒苏柯尔克孜自治州社会保险中心" in page and "“三公”经费" in page


@pytest.mark.skipif(CHROMIUM is None, reason="Debian package chromium is not installed (.ci/run installs it)")
def test_report_charts_draw_in_headless_chromium(report, tmp_path):
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tmp_path / 'profile'}"]
    dom = subprocess.run([CHROMIUM, *flags, "--dump-dom", report.as_uri()], capture_output=True, text=True, timeout=120).stdout
    assert 'data-charts-drawn="5"' in dom  # the inline script ran and drew every chart
    assert dom.count('class="bar"') >= 30
    assert dom.count("<tr>") >= 10  # the tables were built
    assert "阿克陶县社会保险中心 2026" in dom  # Chinese labels are in the drawn SVG
    screenshot = tmp_path / "report.png"
    subprocess.run([CHROMIUM, *flags, "--window-size=1100,1600", f"--screenshot={screenshot}", report.as_uri()],
                   capture_output=True, timeout=120)
    assert screenshot.exists() and screenshot.stat().st_size > 20_000
