"""Write a synthetic corpus: N units × Y years × layouts, a truth file beside each document."""

from __future__ import annotations

import json
import random
from pathlib import Path

from pipeline.synth.generate import UNIT_TYPES, build, places
from pipeline.synth.render import render_html, render_markdown, render_pdf
from pipeline.synth.text import render_text, truth

SUFFIX = {"text": ".txt", "markdown": ".md", "html": ".html", "pdf": ".pdf"}


def write_corpus(out: Path, units: int, years: list[int], layouts: list[str], seed: int = 0) -> list[Path]:
    unknown = set(layouts) - set(SUFFIX)
    if unknown:
        raise ValueError(f"unknown layouts {sorted(unknown)}: choose from {sorted(SUFFIX)}")
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    # every unit a distinct (place, type): two units of one name would be one unit in the warehouse
    pairs = [(place, unit_type) for place in places() for unit_type in sorted(UNIT_TYPES)]
    if units > len(pairs):
        raise ValueError(f"at most {len(pairs)} distinct synthetic units (places × unit types); asked for {units}")
    chosen = rng.sample(pairs, k=units)
    written: list[Path] = []
    for index, (place, unit_type) in enumerate(chosen):
        for year in years:
            disclosure = build(seed, index, year, place, unit_type)
            stem = f"synth_{index:06d}_{year}"
            layout = layouts[(index + year) % len(layouts)]
            text_path = out / f"{stem}.txt"
            text_path.write_text(render_text(disclosure), encoding="utf-8")
            target = text_path
            if layout == "markdown":
                target = out / f"{stem}.md"
                target.write_text(render_markdown(text_path), encoding="utf-8")
            elif layout == "html":
                target = out / f"{stem}.html"
                target.write_text(render_html(text_path), encoding="utf-8")
            elif layout == "pdf":
                target = render_pdf(text_path, out / f"{stem}.pdf")
            if target != text_path:
                text_path.unlink()
            (out / f"{stem}.truth.json").write_text(
                json.dumps(truth(disclosure), ensure_ascii=False, indent=1), encoding="utf-8"
            )
            written.append(target)
    return written
