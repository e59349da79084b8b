"""Ruled tables from a page's edges and characters, as pdfplumber's table finder finds them.

The steps are pdfplumber's (``TableFinder`` with its default "lines" settings, and
``Table.extract``), on the engine-neutral edges and characters, done with indexes instead of
pdfplumber's all-pairs scans: edges within 3 pt of each other snap to their mean position;
collinear edges less than 3 pt apart join; edges shorter than 3 pt go; a vertical and a
horizontal edge meeting within 3 pt make an intersection; the smallest rectangle of
intersections connected by edges on all four sides is a cell; cells sharing corners are a
table. A character belongs to the cell that holds the midpoint of its box.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from itertools import groupby

import numpy as np
from pdfplumber.table import Table, cells_to_tables

from pipeline.readers.pdf_page import Char
from pipeline.readers.pdf_words import cell_text, clusters

SNAP, JOIN, MIN_LENGTH, INTERSECTION = 3, 3, 3, 3
Edge = list  # [orientation, x0, top, x1, bottom, length]: mutable while snapping and joining


def find_tables(edges: list[dict]) -> list[Table]:
    merged = [e for e in _joined(_snapped(edges)) if e[5] >= MIN_LENGTH]
    intersections = _intersections([e for e in merged if e[0] == "v"], [e for e in merged if e[0] == "h"])
    return [Table(None, cells) for cells in cells_to_tables(_cells(intersections))]


def _snapped(edges: list[dict]) -> list[Edge]:
    """pdfplumber's ``snap_edges``: verticals by x0, horizontals by top, each cluster moved to its mean."""
    vertical = [["v", e["x0"], e["top"], e["x1"], e["bottom"], e["height"]] for e in edges if e["orientation"] == "v"]
    horizontal = [["h", e["x0"], e["top"], e["x1"], e["bottom"], e["width"]] for e in edges if e["orientation"] == "h"]
    for group, position, ends in ((vertical, 1, (1, 3)), (horizontal, 2, (2, 4))):
        found = clusters(group, lambda e, p=position: e[p], SNAP)
        for cluster in found:
            mean = sum(e[position] for e in cluster) / len(cluster)
            for e in cluster:
                shift = mean - e[position]
                e[ends[0]], e[ends[1]] = e[ends[0]] + shift, e[ends[1]] + shift
        group[:] = [e for cluster in found for e in cluster]
    return vertical + horizontal


def _joined(edges: list[Edge]) -> list[Edge]:
    """pdfplumber's ``join_edge_group`` on each line: overlapping or nearly touching edges become one."""

    def line(e: Edge):
        return ("h", e[2]) if e[0] == "h" else ("v", e[1])

    out: list[Edge] = []
    for (orientation, _), group in groupby(sorted(edges, key=line), key=line):
        low, high = (1, 3) if orientation == "h" else (2, 4)
        run: list[Edge] = []
        for e in sorted(group, key=lambda e: e[low]):
            last = run[-1] if run else None
            if last is not None and e[low] <= last[high] + JOIN:
                if e[high] > last[high]:
                    # pdfplumber's resize_object: a width is recomputed, a height is adjusted
                    length = e[high] - last[low] if orientation == "h" else last[5] + (e[high] - last[high])
                    run[-1] = [*last[:high], e[high], *last[high + 1 : 5], length]
            else:
                run.append(list(e))
        out.extend(run)
    return out


def _intersections(vertical: list[Edge], horizontal: list[Edge]) -> dict[tuple[float, float], tuple[set, set]]:
    """(x, top) → (vertical edges, horizontal edges) meeting there, as bounding boxes."""
    horizontal = sorted(horizontal, key=lambda e: (e[2], e[1]))
    tops = [e[2] for e in horizontal]
    found: dict[tuple[float, float], tuple[set, set]] = {}
    for v in sorted(vertical, key=lambda e: (e[1], e[2])):
        x, v_box = v[1], (v[1], v[2], v[3], v[4])
        # the range is found with some slack; pdfplumber's own test below decides
        for h in horizontal[
            bisect_left(tops, v[2] - INTERSECTION - 1e-6) : bisect_right(tops, v[4] + INTERSECTION + 1e-6)
        ]:
            if (
                v[2] <= h[2] + INTERSECTION
                and v[4] >= h[2] - INTERSECTION
                and h[1] - INTERSECTION <= x <= h[3] + INTERSECTION
            ):
                sides = found.setdefault((x, h[2]), (set(), set()))
                sides[0].add(v_box)
                sides[1].add((h[1], h[2], h[3], h[4]))
    return found


def _cells(intersections: dict[tuple[float, float], tuple[set, set]]) -> list[tuple[float, float, float, float]]:
    """pdfplumber's ``intersections_to_cells``: from each intersection, the smallest cell it opens."""
    points = sorted(intersections)
    below, right = defaultdict(list), defaultdict(list)  # the points sharing x (by y), sharing y (by x)
    for point in points:
        below[point[0]].append(point)
    for point in sorted(points, key=lambda p: (p[1], p[0])):
        right[point[1]].append(point)
    place = {}  # each point's place in its column and in its row
    for line in below.values():
        for i, point in enumerate(line):
            place[point] = [i + 1, 0]
    for line in right.values():
        for i, point in enumerate(line):
            place[point][1] = i + 1

    def connected(p, q) -> bool:
        return (p[0] == q[0] and not intersections[p][0].isdisjoint(intersections[q][0])) or (
            p[1] == q[1] and not intersections[p][1].isdisjoint(intersections[q][1])
        )

    cells = []
    for point in points[:-1]:
        after_in_column, after_in_row = place[point]
        downs = below[point[0]][after_in_column:]
        acrosses = right[point[1]][after_in_row:]
        cells.extend(_smallest_cell(point, downs, acrosses, intersections, connected))
    return cells


def _smallest_cell(point, downs, acrosses, intersections, connected) -> list[tuple[float, float, float, float]]:
    for down in downs:
        if not connected(point, down):
            continue
        for across in acrosses:
            if not connected(point, across):
                continue
            corner = (across[0], down[1])
            if corner in intersections and connected(corner, across) and connected(corner, down):
                return [(point[0], point[1], corner[0], corner[1])]
    return []


class CharsByMidpoint:
    """The characters whose box midpoint lies in a cell, found by bisection rather than a scan."""

    def __init__(self, chars: list[Char]):
        self.chars = chars
        x0, top, x1, bottom = (np.array(column, dtype=np.float64) for column in _box_columns(chars))
        h, v = (x0 + x1) / 2, (top + bottom) / 2
        order = np.argsort(v, kind="stable")
        self.h, self.v, self.order, self.v_sorted = h.tolist(), v.tolist(), order.tolist(), v[order].tolist()

    def in_band(self, top: float, bottom: float) -> list[int]:
        """Indices of the characters whose midpoint is in [top, bottom), left to right."""
        band = self.order[bisect_left(self.v_sorted, top) : bisect_left(self.v_sorted, bottom)]
        return sorted(band, key=self.h.__getitem__)

    def within(self, bbox, band: list[int], xs: list[float]) -> list[int]:
        """Indices (in page order) of the characters of ``band`` (``xs``: their midpoints' x) whose
        midpoint is in [x0, x1) × [top, bottom)."""
        x0, top, x1, bottom = bbox
        v = self.v
        return sorted([i for i in band[bisect_left(xs, x0) : bisect_left(xs, x1)] if top <= v[i] < bottom])


def _box_columns(chars: list[Char]) -> tuple[tuple[float, ...], ...]:
    """x0, top, x1 and bottom of every character."""
    if not chars:
        return (), (), (), ()
    return tuple(zip(*chars, strict=True))[1:5]


def table_rows(table: Table, index: CharsByMidpoint) -> list[list[str | None]]:
    """pdfplumber's ``Table.extract()``: each row's cell texts, None where a merged cell spans."""
    rows = []
    h, chars = index.h, index.chars
    for row in table.rows:
        _x0, top, _x1, bottom = row.bbox
        band = index.in_band(top, bottom)
        in_row = index.within(row.bbox, band, [h[i] for i in band])
        band = sorted(in_row, key=h.__getitem__)
        xs = [h[i] for i in band]
        rows.append(
            [
                None if cell is None else cell_text([chars[i] for i in index.within(cell, band, xs)])
                for cell in row.cells
            ]
        )
    return rows
