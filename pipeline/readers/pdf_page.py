"""What a PDF engine reads from one page, in a form independent of the engine.

A page is its size, its characters and its ruling edges, in pdfplumber's coordinates (points,
origin at the top left of the page's MediaBox as displayed, after /Rotate). A character's box
runs across its advance width and down from descent to descent + font size, as pdfminer draws
it. An edge is a horizontal or vertical ruling as pdfplumber's table finder takes it (a dict,
because that finder reads dicts).

Coordinates are rounded to 0.001 pt. The engines compute them differently (pdfminer in double
precision, PDFium in single: they differ by up to 0.0005 pt), and the word and table finders
compare distances with thresholds that round figures sit on (a quarter-em space at 12 pt is a
gap of exactly 3 pt, pdfplumber's tolerance): on the same grid, both engines decide alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import repeat
from math import floor
from typing import NamedTuple

import numpy as np

from pipeline.cleaning import ideographs

MIN_EDGE_LENGTH = 1.0  # pdfplumber's table finder drops shorter edges before merging them
DECIMALS = 3
_STEPS = 10**DECIMALS


def on_grid(value: float) -> float:
    """The value on the 0.001 pt grid (halves round up; faster than ``round(value, 3)``)."""
    return floor(value * _STEPS + 0.5) / _STEPS


class Char(NamedTuple):
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float
    fontname: str
    upright: bool = True  # False for text running vertically (rotated a quarter turn)


@dataclass(slots=True)
class PageContent:
    number: int  # 1-based
    width: float
    height: float
    chars: list[Char] = field(default_factory=list)
    edges: list[dict] = field(default_factory=list)
    complete: bool = True  # False when the engine knows it could not read some of the page's text


_new_char = tuple.__new__  # NamedTuple's own __new__ adds a Python call per character


def make_char(
    text: str, x0: float, top: float, x1: float, bottom: float, size: float, fontname: str, upright: bool = True
) -> Char:
    return _new_char(
        Char,
        (
            ideographs(text),
            floor(x0 * _STEPS + 0.5) / _STEPS,
            floor(top * _STEPS + 0.5) / _STEPS,
            floor(x1 * _STEPS + 0.5) / _STEPS,
            floor(bottom * _STEPS + 0.5) / _STEPS,
            floor(size * _STEPS + 0.5) / _STEPS,
            fontname,
            upright,
        ),
    )


def make_chars(texts: list[str], x0, top, x1, bottom, size, fontnames: list[str], uprights: list[bool]) -> list[Char]:
    """Characters from columns (numpy arrays of unrounded coordinates and sizes; each character's
    font name and uprightness), rounded as ``make_char`` rounds them."""
    x0, top, x1, bottom, size = ((np.floor(v * _STEPS + 0.5) / _STEPS).tolist() for v in (x0, top, x1, bottom, size))
    if ideographs(joined := "".join(texts)) != joined:
        texts = list(map(ideographs, texts))
    return list(map(_new_char, repeat(Char), zip(texts, x0, top, x1, bottom, size, fontnames, uprights, strict=True)))


def make_edge(orientation: str, x0: float, top: float, x1: float, bottom: float) -> dict | None:
    """The edge ("h" or "v"), or None when it is too short for the table finder to use."""
    x0, top, x1, bottom = on_grid(x0), on_grid(top), on_grid(x1), on_grid(bottom)
    edge = {
        "orientation": orientation,
        "x0": x0,
        "x1": x1,
        "top": top,
        "bottom": bottom,
        "width": x1 - x0,
        "height": bottom - top,
    }
    length = edge["height"] if orientation == "v" else edge["width"]
    return edge if length >= MIN_EDGE_LENGTH else None


def make_edges(orientations: list[str], x0, top, x1, bottom) -> list[dict | None]:
    """``make_edge`` for columns (numpy arrays of unrounded coordinates), rounded as it rounds them."""
    x0, top, x1, bottom = ((np.floor(v * _STEPS + 0.5) / _STEPS) for v in (x0, top, x1, bottom))
    width, height = x1 - x0, bottom - top
    long_enough = np.where(np.array(orientations) == "v", height, width) >= MIN_EDGE_LENGTH
    return [
        {"orientation": o, "x0": a, "x1": c, "top": b, "bottom": d, "width": w, "height": h} if keep else None
        for o, a, b, c, d, w, h, keep in zip(
            orientations, *(v.tolist() for v in (x0, top, x1, bottom, width, height)), long_enough.tolist(), strict=True
        )
    ]


class EngineDocument:
    """What every engine's open document shares: ``page_count`` pages, read one at a time with
    ``read_page(number)``, and the engine's file closed once (``close`` or a ``with`` block)."""

    _pdf: object
    page_count: int

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._pdf.close()
