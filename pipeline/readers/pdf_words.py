"""Characters to words, cell text and overprint-free characters, as pdfplumber makes them.

These follow pdfplumber's ``extract_words``, ``extract_text`` and ``dedupe_chars`` with their
default settings (which the reader used before it had engines) step for step, on the
engine-neutral ``Char`` tuples rather than pdfplumber's dicts, for speed: characters are
grouped into lines (tops within 3 pt, chained), sorted left to right, and a word ends at a
blank character, where the next character starts left of the previous one, more than 3 pt
right of its end, or more than 3 pt above or below it. Vertical text (not upright) runs the
same way with the axes swapped.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterator, Sequence
from operator import attrgetter
from typing import NamedTuple

from pdfplumber.utils.text import LIGATURES

from pipeline.readers.pdf_page import Char

X_TOLERANCE = 3
Y_TOLERANCE = 3
_UPRIGHT = attrgetter("upright")
_TOP = attrgetter("top")
_X0 = attrgetter("x0")
_X1 = attrgetter("x1")
_BOTTOM = attrgetter("bottom")


class Word(NamedTuple):
    text: str
    x0: float
    top: float
    x1: float
    bottom: float


def words(chars: Sequence[Char]) -> list[Word]:
    out: list[Word] = []
    for upright, group in itertools.groupby(chars, key=_UPRIGHT):
        group = list(group)
        if upright:
            lines, in_line = clusters(group, _TOP, Y_TOLERANCE), _X0
        else:
            lines, in_line = clusters(group, _X0, X_TOLERANCE), attrgetter("top", "bottom")
        for line in lines:
            line.sort(key=in_line)
            out.extend(_line_words(line, upright))
    return out


def clusters(items: list, key, tolerance: float) -> list[list]:
    """pdfplumber's ``cluster_objects``: items whose key values chain within ``tolerance``, in key order."""
    values = sorted(set(map(key, items)))
    cluster_of, index, last = {}, -1, None
    for value in values:
        if last is None or value > last + tolerance:
            index += 1
        cluster_of[value] = index
        last = value
    if index == 0:
        return [list(items)]
    grouped: list[list] = [[] for _ in range(index + 1)]
    for item in items:
        grouped[cluster_of[key(item)]].append(item)
    return grouped


def _line_words(chars: list[Char], upright: bool) -> Iterator[Word]:
    current: list[Char] = []
    previous = None
    for char in chars:
        text = char.text
        if text.isspace():
            if current:
                yield _merge(current)
            current, previous = [], None
        elif not text:
            # pdfplumber splits at "punctuation" (none by default), and an empty text is in every string
            if current:
                yield _merge(current)
            yield _merge([char])
            current, previous = [], None
        elif previous is not None and (
            (char.x0 < previous.x0 or char.x0 > previous.x1 + X_TOLERANCE or abs(char.top - previous.top) > Y_TOLERANCE)
            if upright
            else (
                char.top < previous.top
                or char.top > previous.bottom + Y_TOLERANCE
                or abs(char.x0 - previous.x0) > X_TOLERANCE
            )
        ):
            yield _merge(current)
            current, previous = [char], char
        else:
            current.append(char)
            previous = char
    if current:
        yield _merge(current)


def _merge(chars: list[Char]) -> Word:
    if len(chars) == 1:
        c = chars[0]
        return Word(LIGATURES.get(c.text, c.text), c.x0, c.top, c.x1, c.bottom)
    return Word(
        "".join([LIGATURES.get(c.text, c.text) for c in chars]),
        min(map(_X0, chars)),
        min(map(_TOP, chars)),
        max(map(_X1, chars)),
        max(map(_BOTTOM, chars)),
    )


def cell_text(chars: Sequence[Char]) -> str:
    """The text of a table cell: its words, lines (tops within 3 pt) joined by newlines."""
    if not chars:
        return ""
    tops = [c.top for c in chars]
    if max(tops) - min(tops) <= Y_TOLERANCE and all(c.upright for c in chars):
        # one line (the usual cell): its words, left to right
        return " ".join(w.text for w in _line_words(sorted(chars, key=_X0), True))
    return "\n".join(" ".join(w.text for w in line) for line in clusters(words(chars), _TOP, Y_TOLERANCE))


def dedupe_chars(chars: list[Char], tolerance: float = 1) -> list[Char]:
    """Characters without their duplicates (same text, font and size, within ``tolerance`` of each
    other vertically and horizontally): of each cluster the topmost-leftmost copy stays."""
    groups: dict[tuple, list[int]] = defaultdict(list)
    for i, c in enumerate(chars):
        groups[(c.upright, c.text, c.fontname, c.size)].append(i)
    kept = []
    for group in groups.values():
        if len(group) == 1 or _apart(sorted([chars[i].top for i in group]), tolerance):
            kept.extend(group)  # the usual case: no two copies on one line
            continue
        for line in clusters(group, lambda i: chars[i].top, tolerance):
            if len(line) == 1 or _apart(sorted(chars[i].x0 for i in line), tolerance):
                kept.extend(line)
                continue
            for cluster in clusters(line, lambda i: chars[i].x0, tolerance):
                kept.append(min(cluster, key=lambda i: (chars[i].top, chars[i].x0)))
    return [chars[i] for i in sorted(kept)]


def _apart(values: list[float], tolerance: float) -> bool:
    """Whether no two of the (sorted) values are within ``tolerance`` of each other."""
    return all(b > a + tolerance for a, b in itertools.pairwise(values))
