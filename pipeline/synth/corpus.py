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
    all_places = places()
    chosen = rng.sample(all_places, k=min(units, len(all_places)))
    while len(chosen) < units:  # more units than places: more unit types per place
        chosen.append(rng.choice(all_places))
    types = sorted(UNIT_TYPES)
    written: list[Path] = []
    for index in range(units):
        unit_type = types[(index // len(all_places) + rng.randrange(len(types))) % len(types)]
        for year in years:
            disclosure = build(seed, index, year, chosen[index], unit_type)
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
            (out / f"{stem}.truth.json").write_text(json.dumps(truth(disclosure), ensure_ascii=False, indent=1), encoding="utf-8")
            written.append(target)
    return written
