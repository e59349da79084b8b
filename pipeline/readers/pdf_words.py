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
import operator
from collections.abc import Sequence
from operator import attrgetter
from typing import NamedTuple

import numpy as np
from pdfplumber.utils.text import LIGATURES

from pipeline.readers.pdf_page import Char

X_TOLERANCE = 3
Y_TOLERANCE = 3
_UPRIGHT = attrgetter("upright")
_TOP = attrgetter("top")
_X0 = attrgetter("x0")
_AT_ONCE = 50  # characters from which numpy groups words faster than a loop does
_LIGATURE_CHARACTERS = frozenset("".join(LIGATURES))  # any character of a ligature pdfplumber spells out


Box = tuple[float, float, float, float]  # x0, top, x1, bottom


class Word(NamedTuple):
    text: str
    x0: float
    top: float
    x1: float
    bottom: float


_new_word = tuple.__new__  # NamedTuple's own __new__ adds a Python call per word


def words(chars: Sequence[Char], outside: Sequence[Box] = ()) -> list[Word]:
    """The words of the characters; with ``outside`` (boxes: x0, top, x1, bottom), only those
    whose midpoint stands more than 1 pt outside every box (the words are made of all the
    characters alike: the boxes only leave some out)."""
    out: list[Word] = []
    for upright, group in itertools.groupby(chars, key=_UPRIGHT):
        group = list(group)
        if upright and len(group) >= _AT_ONCE:
            out.extend(_upright_words(group, outside))
            continue
        found: list[Word] = []
        if upright:
            for line in clusters(group, _TOP, Y_TOLERANCE):
                line.sort(key=_X0)
                found.extend([_merge(run) for run in _upright_runs(line)])
        else:
            for line in clusters(group, _X0, X_TOLERANCE):
                line.sort(key=attrgetter("top", "bottom"))
                found.extend(_line_words(line, False))
        out.extend([w for w in found if not _inside(w, outside)] if outside else found)
    return out


def _inside(word: Word, boxes: Sequence[Box]) -> bool:
    x = (word.x0 + word.x1) / 2
    y = (word.top + word.bottom) / 2
    return any(x0 - 1 <= x <= x1 + 1 and top - 1 <= y <= bottom + 1 for x0, top, x1, bottom in boxes)


def _upright_words(chars: list[Char], outside: Sequence[Box] = ()) -> list[Word]:
    """The words of upright characters, as ``clusters`` into lines, each line sorted left to right
    and ``_line_words`` make them, for all lines at once; those ``_inside`` a box of ``outside``
    are left out before they are made (the same test, on all words at once)."""
    texts, x0, top, x1, bottom = list(zip(*chars, strict=True))[:5]
    x0, top, x1, bottom = np.array(x0), np.array(top), np.array(x1), np.array(bottom)
    tops = np.unique(top)  # a line: tops chaining within the tolerance
    line_of_top = np.cumsum(np.concatenate(([True], tops[1:] > tops[:-1] + Y_TOLERANCE)))
    line = line_of_top[np.searchsorted(tops, top)]
    order = np.lexsort((x0, line))  # stable: characters at the same x stay in page order
    texts = list(map(texts.__getitem__, order.tolist()))
    line, x0, top, x1, bottom = line[order], x0[order], top[order], x1[order], bottom[order]
    blank = np.fromiter(map(str.isspace, texts), bool, len(texts))
    empty = np.fromiter(
        map(operator.not_, texts), bool, len(texts)
    )  # a word of its own (pdfplumber's punctuation split)
    # a character continues the word of the one before it when both are in the word and close
    joins = np.zeros(len(texts), dtype=bool)
    joins[1:] = (
        (line[1:] == line[:-1])
        & ~blank[:-1]
        & ~empty[:-1]
        & ~empty[1:]
        & ~(x0[1:] < x0[:-1])
        & ~(x0[1:] > x1[:-1] + X_TOLERANCE)
        & ~(np.abs(top[1:] - top[:-1]) > Y_TOLERANCE)
    )
    kept = np.flatnonzero(~blank)
    if not len(kept):
        return []
    starts = np.flatnonzero(~joins[kept])
    ends = np.append(starts[1:], len(kept)).tolist()
    texts = list(map(texts.__getitem__, kept.tolist()))
    if not _LIGATURE_CHARACTERS.isdisjoint("".join(texts)):
        texts = [LIGATURES.get(t, t) for t in texts]
    bounds = (
        np.minimum.reduceat(x0[kept], starts),
        np.minimum.reduceat(top[kept], starts),
        np.maximum.reduceat(x1[kept], starts),
        np.maximum.reduceat(bottom[kept], starts),
    )
    if outside:
        x, y = (bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2
        inside = np.zeros(len(starts), dtype=bool)
        for box_x0, box_top, box_x1, box_bottom in outside:
            inside |= (box_x0 - 1 <= x) & (x <= box_x1 + 1) & (box_top - 1 <= y) & (y <= box_bottom + 1)
        if inside.any():
            keep = np.flatnonzero(~inside)
            ends = np.asarray(ends)[keep].tolist()
            starts, bounds = starts[keep], tuple(v[keep] for v in bounds)
    return [
        _new_word(Word, ("".join(texts[a:b]), *box))
        for a, b, *box in zip(starts.tolist(), ends, *(v.tolist() for v in bounds), strict=True)
    ]


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


def _line_words(chars: list[Char], upright: bool) -> list[Word]:
    return [_merge(run) for run in _runs(chars, upright)]


def _runs(chars: list[Char], upright: bool) -> list[list[Char]]:
    """The characters of one line (in reading order) of each word."""
    runs: list[list[Char]] = []
    current: list[Char] = []
    previous = None
    for char in chars:
        text = char.text
        if text.isspace():
            if current:
                runs.append(current)
            current, previous = [], None
        elif not text:
            # pdfplumber splits at "punctuation" (none by default), and an empty text is in every string
            if current:
                runs.append(current)
            runs.append([char])
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
            runs.append(current)
            current, previous = [char], char
        else:
            current.append(char)
            previous = char
    if current:
        runs.append(current)
    return runs


def _upright_runs(chars: list[Char]) -> list[list[Char]]:
    """``_runs`` of one line of upright characters (the same steps, with fewer lookups: the
    previous character is the last of the current run, and there is none when it is empty)."""
    runs: list[list[Char]] = []
    current: list[Char] = []
    x0 = top = x1 = 0.0  # of the previous character
    for char in chars:
        text = char[0]
        if text.isspace():
            if current:
                runs.append(current)
                current = []
        elif not text:
            if current:
                runs.append(current)
            runs.append([char])
            current = []
        elif current and (char[1] < x0 or char[1] > x1 + X_TOLERANCE or abs(char[2] - top) > Y_TOLERANCE):
            runs.append(current)
            current = [char]
            x0, top, x1 = char[1], char[2], char[3]
        else:
            current.append(char)
            x0, top, x1 = char[1], char[2], char[3]
    if current:
        runs.append(current)
    return runs


def _text(chars: list[Char]) -> str:
    """A word's text, ligatures spelt out."""
    if len(chars) == 1:
        text = chars[0].text
        return LIGATURES.get(text, text)
    text = "".join([c.text for c in chars])
    if _LIGATURE_CHARACTERS.isdisjoint(text):
        return text
    return "".join([LIGATURES.get(c.text, c.text) for c in chars])


def _merge(chars: list[Char]) -> Word:
    if len(chars) == 1:
        c = chars[0]
        return Word(LIGATURES.get(c.text, c.text), c.x0, c.top, c.x1, c.bottom)
    x0, top, x1, bottom = list(zip(*chars, strict=True))[1:5]
    return Word(_text(chars), min(x0), min(top), max(x1), max(bottom))


def cell_text(chars: Sequence[Char]) -> str:
    """The text of a table cell: its words, lines (tops within 3 pt) joined by newlines."""
    if not chars:
        return ""
    tops = [c.top for c in chars]
    if max(tops) - min(tops) <= Y_TOLERANCE and all(c.upright for c in chars):
        # one line (the usual cell): its words, left to right
        return " ".join([_text(run) for run in _upright_runs(sorted(chars, key=_X0))])
    return "\n".join(" ".join(w.text for w in line) for line in clusters(words(chars), _TOP, Y_TOLERANCE))


def dedupe_chars(chars: list[Char], tolerance: float = 1) -> list[Char]:
    """Characters without their duplicates (same text, font and size, within ``tolerance`` of each
    other vertically and horizontally): of each cluster the topmost-leftmost copy stays.

    As pdfplumber clusters them, for all characters at once: characters of one kind (text,
    font, size, uprightness) whose tops chain within the tolerance are a line; characters of a
    line whose x0 chain within it are copies of one glyph; of these the first by (top, x0)
    stays (the first in page order where they tie)."""
    n = len(chars)
    if n < 2:
        return list(chars)
    text, x0, top, _x1, _bottom, size, fontname, upright = zip(*chars, strict=True)
    kinds: dict[tuple, int] = {}  # each kind's number: that of its first character (the numbers need only differ)
    kind = np.fromiter(
        map(kinds.setdefault, zip(upright, text, fontname, size, strict=True), itertools.count()), np.int64, n
    )
    if len(kinds) == n:
        return list(chars)  # no two characters alike
    x0, top = np.array(x0), np.array(top)
    line = _chained(kind, top, tolerance)
    glyph = _chained(line, x0, tolerance)
    order = np.lexsort((np.arange(n), x0, top, glyph))
    first = np.ones(n, dtype=bool)
    first[1:] = glyph[order[1:]] != glyph[order[:-1]]
    if first.all():
        return list(chars)
    return [chars[i] for i in np.sort(order[first]).tolist()]


def _chained(group: np.ndarray, values: np.ndarray, tolerance: float) -> np.ndarray:
    """For each item, the number of its cluster: items of one group whose values chain within
    ``tolerance`` (pdfplumber's ``cluster_objects``, for every group at once)."""
    order = np.lexsort((values, group))
    group, values = group[order], values[order]
    starts = np.ones(len(values), dtype=bool)
    starts[1:] = (group[1:] != group[:-1]) | (values[1:] > values[:-1] + tolerance)
    cluster = np.empty(len(values), dtype=np.intp)
    cluster[order] = np.cumsum(starts)
    return cluster
