"""PDF pages through PDFium (pypdfium2): characters with their boxes, and the ruling edges of path objects.

Boxes are computed the way pdfminer computes them (so that both engines feed the same word
and table finders the same geometry): the advance width across, from descent to descent +
font size down, in the character's text matrix; coordinates are mapped from PDF user space to
pdfplumber's (top-left origin of the displayed MediaBox, after /Rotate). Characters PDFium
generates (spaces it infers, line breaks) are skipped; a hyphen PDFium marks as a line-end
hyphen is read back as "-"; a ligature PDFium splits into pieces stays one character; where a
glyph's ink reaches past its advance (PDFium's loose box then holds the ink), the next
character's origin gives the advance. Paths
become edges as pdfminer classifies them: one segment is a line, a closed axis-aligned
four-sided path is a rectangle (four edges), anything else is a curve (an edge between each
pair of consecutive points; only horizontal and vertical ones are kept).

PDFium drops text objects whose glyphs have no outline, which happens with a CJK font that is
neither embedded nor installed: such a page comes back marked incomplete. It drops whitespace-only
text objects too: each becomes a space at its start, which is all the word finder needs.
"""

from __future__ import annotations

import ctypes
from itertools import pairwise
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from pipeline.intermediate import UnreadableDocument
from pipeline.readers.pdf_page import Char, EngineDocument, PageContent, make_char, make_edge, on_grid

Matrix = tuple[float, float, float, float, float, float]  # a b c d e f: x' = a x + c y + e, y' = b x + d y + f
_IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
_HYPHEN_MARK = 0x2  # PDFium's code for a hyphen it takes for a word broken at the line end
_MAYBE_GENERATED = frozenset((10, 13, 32))  # PDFium generates only spaces and line breaks
# pdfminer reads these fonts' metrics from its AFM tables, not from the PDF (descent in 1/1000 em)
_STANDARD_DESCENT = {
    **dict.fromkeys(
        (
            "Courier",
            "Courier-Bold",
            "Courier-BoldOblique",
            "Courier-Oblique",
            "CourierNew",
            "CourierNew,Italic",
            "CourierNew,Bold",
            "CourierNew,BoldItalic",
        ),
        -194.0,
    ),
    **dict.fromkeys(
        (
            "Helvetica",
            "Helvetica-Bold",
            "Helvetica-BoldOblique",
            "Helvetica-Oblique",
            "Arial",
            "Arial,Italic",
            "Arial,Bold",
            "Arial,BoldItalic",
        ),
        -207.0,
    ),
    **dict.fromkeys(
        (
            "Times-Bold",
            "Times-BoldItalic",
            "Times-Italic",
            "Times-Roman",
            "TimesNewRoman",
            "TimesNewRoman,Italic",
            "TimesNewRoman,Bold",
            "TimesNewRoman,BoldItalic",
        ),
        -217.0,
    ),
    "Symbol": 0.0,
    "ZapfDingbats": 0.0,
}
# FPDFText_GetTextObject and FPDFTextObj_GetFont returning plain addresses, used as cache keys (a
# ctypes cast of the typed pointer, per character, costs more than the call itself)
_text_object_address = ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int)(
    ctypes.cast(pdfium_c.FPDFText_GetTextObject, ctypes.c_void_p).value
)
_font_address = ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_void_p)(
    ctypes.cast(pdfium_c.FPDFTextObj_GetFont, ctypes.c_void_p).value
)
# fonts PDFium can always draw (its built-in Latin faces): a blank text object in one is whitespace
_LATIN_FAMILIES = (
    "Times",
    "Arial",
    "Helvetica",
    "Courier",
    "Symbol",
    "ZapfDingbats",
    "Calibri",
    "Cambria",
    "Verdana",
    "Tahoma",
    "Georgia",
    "Wingdings",
)


def multiply(m: Matrix, n: Matrix) -> Matrix:
    """m, then n."""
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (
        a * a2 + b * c2,
        a * b2 + b * d2,
        c * a2 + d * c2,
        c * b2 + d * d2,
        e * a2 + f * c2 + e2,
        e * b2 + f * d2 + f2,
    )


def display_transforms(mediabox: tuple[float, float, float, float], rotation: int) -> tuple[Matrix, Matrix]:
    """(user space → pdfminer's device space, user space → pdfplumber's page coordinates)."""
    x0, y0, x1, y1 = mediabox
    device = {90: (0, -1, 1, 0, -y0, x1), 180: (-1, 0, 0, -1, x1, y1), 270: (0, 1, -1, 0, y1, -x0)}.get(
        rotation, (1, 0, 0, 1, -x0, -y0)
    )
    left, right = sorted((x0, x1))
    bottom, top = sorted((y0, y1))
    if rotation in (90, 270):
        left, bottom, right, top = bottom, left, top, right
    height = top - bottom
    # pdfplumber flips y at the page height and shifts back by the MediaBox origin
    flip = (1.0, 0.0, 0.0, -1.0, left, height - bottom)
    device = tuple(float(v) for v in device)
    return device, multiply(device, flip)


def _apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    return m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]


class PdfiumDocument(EngineDocument):
    """An open PDF, read page by page (each page and its text page closed before the next)."""

    def __init__(self, path: Path, data: bytes):
        self.path = path
        try:
            self._pdf = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as err:
            if err.err_code in (pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY):
                raise UnreadableDocument(
                    "encrypted", f"{path.name}: the PDF is encrypted ({err}); ask the publisher for an unprotected copy"
                ) from err
            raise UnreadableDocument(
                "corrupt", f"{path.name}: the PDF cannot be parsed ({err}); re-download it"
            ) from err
        self.page_count = len(self._pdf)

    def read_page(self, number: int) -> PageContent:
        try:
            page = self._pdf[number - 1]
        except pdfium.PdfiumError as err:
            raise UnreadableDocument(
                "corrupt", f"{self.path.name}: page {number} cannot be read ({err}); re-download it"
            ) from err
        try:
            return read_page(page, number)
        finally:
            page.close()


def _mediabox(page: pdfium.PdfPage) -> tuple[float, float, float, float]:
    # pypdfium2's get_mediabox does not inherit from the page tree; the bounding box does
    return page.get_mediabox(fallback_ok=False) or page.get_bbox()


def read_page(page: pdfium.PdfPage, number: int) -> PageContent:
    mediabox = _mediabox(page)
    rotation = page.get_rotation()
    device, to_page = display_transforms(mediabox, rotation)
    width, height = abs(mediabox[2] - mediabox[0]), abs(mediabox[3] - mediabox[1])
    if rotation in (90, 270):
        width, height = height, width
    textpage = page.get_textpage()
    try:
        chars = page_chars(textpage, device, to_page)
    finally:
        textpage.close()
    edges, spaces, complete = [], [], True
    bounds = tuple(ctypes.c_float() for _ in range(4))
    for kind, obj, parent in _objects(page.raw, pdfium_c.FPDFPage_CountObjects, pdfium_c.FPDFPage_GetObject, _IDENTITY):
        if kind == pdfium_c.FPDF_PAGEOBJ_PATH:
            if _painted(obj):
                edges.extend(_path_edges(obj, multiply(multiply(_matrix(obj), parent), to_page)))
        elif _is_blank(obj, bounds):
            font = pdfium_c.FPDFTextObj_GetFont(obj)
            if _draws_glyphs(font):
                spaces.append(_space(obj, font, multiply(_matrix(obj), parent), device, to_page))
            else:
                complete = False
    return PageContent(number, on_grid(width), on_grid(height), chars + spaces, edges, complete)


def _matrix(obj) -> Matrix:
    m = pdfium_c.FS_MATRIX()
    pdfium_c.FPDFPageObj_GetMatrix(obj, m)
    return (m.a, m.b, m.c, m.d, m.e, m.f)


def font_name(font) -> str:
    size = pdfium_c.FPDFFont_GetBaseFontName(font, None, 0)
    buffer = ctypes.create_string_buffer(size)
    pdfium_c.FPDFFont_GetBaseFontName(font, buffer, size)
    return buffer.value.decode("utf-8", "replace")


def _is_blank(obj, bounds) -> bool:
    """A text object without extent: whitespace, or glyphs PDFium has no outline for (it skips both)."""
    left, bottom, right, top = bounds
    pdfium_c.FPDFPageObj_GetBounds(obj, left, bottom, right, top)
    return right.value - left.value < 0.01


def _draws_glyphs(font) -> bool:
    """Whether PDFium has outlines for the font's glyphs: it is embedded, or a Latin face PDFium carries."""
    return (
        not font
        or bool(pdfium_c.FPDFFont_GetIsEmbedded(font))
        or font_name(font).replace(" ", "").startswith(_LATIN_FAMILIES)
    )


def _space(obj, font, matrix: Matrix, device: Matrix, to_page: Matrix) -> Char:
    """A space at the start of a blank text object (PDFium leaves whitespace-only objects out of
    its text page; a space still separates the words either side). Its width is not known: 0."""
    size = ctypes.c_float()
    pdfium_c.FPDFTextObj_GetFontSize(obj, size)
    name = font_name(font) if font else ""
    geometry = _TextGeometry(matrix[:4], size.value, _descent(font, name) * size.value / 1000, name, device, to_page)
    return geometry.char(" ", matrix[4], matrix[5], 0.0)


class _TextGeometry:
    """How one text object's characters map to page boxes: a character at ``origin`` (user space)
    with advance ``w`` spans text-space x from 0 to w and y from descent to descent + font size."""

    __slots__ = ("back", "fontname", "to_page", "upright", "ux", "uy", "x_high", "x_low", "y_high", "y_low")

    def __init__(
        self,
        abcd: tuple[float, float, float, float],
        size: float,
        descent: float,
        fontname: str,
        device: Matrix,
        to_page: Matrix,
    ):
        a, b, c, d = abcd
        la, lb, lc, ld, _, _ = multiply((a, b, c, d, 0.0, 0.0), to_page[:4] + (0.0, 0.0))
        self.to_page, self.ux, self.uy = to_page, la, lb  # page offset of one unit of advance
        self.x_low, self.x_high = sorted((lc * descent, lc * (descent + size)))
        self.y_low, self.y_high = sorted((ld * descent, ld * (descent + size)))
        det = a * d - b * c
        self.back = (d / det, -c / det, -b / det, a / det) if det else (0.0, 0.0, 0.0, 0.0)  # user space → text space
        da, db, dc, dd, _, _ = multiply((a, b, c, d, 0.0, 0.0), device)
        self.fontname, self.upright = fontname, da * dd > 0 and db * dc <= 0

    def right(self, ox: float, oy: float, left: float, bottom: float, right: float, top: float) -> float:
        """The right edge, in text space from the origin, of a box given in user space."""
        bx, by = self.back[0], self.back[1]
        edge = bx * ((right if bx > 0 else left) - ox)
        return edge + by * ((top if by > 0 else bottom) - oy) if by else edge

    def offset(self, ox: float, oy: float, x: float, y: float) -> tuple[float, float]:
        """The point (x, y) in text space from the origin (ox, oy)."""
        bx, by, cx, cy = self.back
        return bx * (x - ox) + by * (y - oy), cx * (x - ox) + cy * (y - oy)

    def char(self, text: str, ox: float, oy: float, advance: float) -> Char:
        t = self.to_page
        px, py = t[0] * ox + t[2] * oy + t[4], t[1] * ox + t[3] * oy + t[5]
        dx, dy = self.ux * advance, self.uy * advance
        if dx >= 0:
            x0, x1 = px + self.x_low, px + self.x_high + dx
        else:
            x0, x1 = px + self.x_low + dx, px + self.x_high
        if dy >= 0:
            top, bottom = py + self.y_low, py + self.y_high + dy
        else:
            top, bottom = py + self.y_low + dy, py + self.y_high
        return make_char(text, x0, top, x1, bottom, bottom - top, self.fontname, self.upright)


class _Geometries:
    """The geometry of each text object's characters, shared by objects of one matrix, size and
    font (many producers make every character an object of its own)."""

    def __init__(self, raw, device: Matrix, to_page: Matrix):
        self.raw, self.device, self.to_page = raw, device, to_page
        self.by_object: dict[int, _TextGeometry] = {}
        self.by_shape: dict[tuple, _TextGeometry] = {}
        self.fonts: dict[int, tuple[str, float]] = {}  # font → (name, descent in 1/1000 em)
        self.matrix = pdfium_c.FS_MATRIX()

    def of(self, index: int, obj: int) -> _TextGeometry:
        m = self.matrix
        pdfium_c.FPDFText_GetMatrix(self.raw, index, m)
        size = pdfium_c.FPDFText_GetFontSize(self.raw, index)
        font = (_font_address(obj) or 0) if obj else 0
        shape = (m.a, m.b, m.c, m.d, size, font)
        geometry = self.by_shape.get(shape)
        if geometry is None:
            name, descent = self.font(font)
            geometry = self.by_shape[shape] = _TextGeometry(
                shape[:4], size, descent * size / 1000, name, self.device, self.to_page
            )
        self.by_object[obj] = geometry
        return geometry

    def font(self, address: int) -> tuple[str, float]:
        known = self.fonts.get(address)
        if known is None:
            font = ctypes.cast(address, pdfium_c.FPDF_FONT) if address else None
            name = font_name(font) if font else ""
            known = self.fonts[address] = (name, _descent(font, name))
        return known


def _descent(font, name: str) -> float:
    """The font's descent in 1/1000 em, as pdfminer takes it (negative below the baseline)."""
    if name in _STANDARD_DESCENT:
        return _STANDARD_DESCENT[name]
    descent = ctypes.c_float()
    if not font or not pdfium_c.FPDFFont_GetDescent(font, ctypes.c_float(1000.0), descent):
        return 0.0
    return -abs(descent.value)  # pdfminer turns a positive descent (a broken font descriptor) negative


def page_chars(textpage: pdfium.PdfTextPage, device: Matrix, to_page: Matrix) -> list[Char]:
    """The page's characters in PDFium's order. A character is placed once the next one is read:
    PDFium's loose box takes in the glyph's ink, so where the ink reaches past the advance
    (the next character of the object, on the same baseline, starts inside the box) the
    character's tight box tells whether to take the next origin as its advance."""
    raw = textpage.raw
    raw_address = ctypes.cast(raw, ctypes.c_void_p)
    geometries = _Geometries(raw, device, to_page)
    known = geometries.by_object
    is_generated, unicode_of, origin_of, loose_box_of = (
        pdfium_c.FPDFText_IsGenerated,
        pdfium_c.FPDFText_GetUnicode,
        pdfium_c.FPDFText_GetCharOrigin,
        pdfium_c.FPDFText_GetLooseCharBox,
    )
    x, y, loose = ctypes.c_double(), ctypes.c_double(), pdfium_c.FS_RECTF()
    chars: list[Char] = []
    pending = None  # (text, origin x, origin y, text object, geometry, advance, index) of the character to place
    for index in range(textpage.count_chars()):
        code = unicode_of(raw, index)
        if code in _MAYBE_GENERATED and is_generated(raw, index) == 1:
            continue
        obj = _text_object_address(raw_address, index) or 0
        origin_of(raw, index, x, y)
        ox, oy = x.value, y.value
        text = "-" if code == _HYPHEN_MARK else chr(code)
        if pending is not None:
            if pending[3] != obj:
                chars.append(pending[4].char(pending[0], pending[1], pending[2], pending[5]))
            elif pending[1] == ox and pending[2] == oy:
                pending = (pending[0] + text, *pending[1:])  # a piece of a ligature PDFium split up
                continue
            else:
                chars.append(_placed(raw, pending, ox, oy))
        geometry = known.get(obj) or geometries.of(index, obj)
        loose_box_of(raw, index, loose)
        advance = geometry.right(ox, oy, loose.left, loose.bottom, loose.right, loose.top)
        pending = (text, ox, oy, obj, geometry, advance if advance > 0 else 0.0, index)
    if pending is not None:
        chars.append(pending[4].char(pending[0], pending[1], pending[2], pending[5]))
    return chars


def _placed(raw, pending: tuple, nx: float, ny: float) -> Char:
    """The pending character, followed in its text object by one with its origin at (nx, ny)."""
    text, ox, oy, _obj, geometry, advance, index = pending
    along, across = geometry.offset(ox, oy, nx, ny)
    if abs(across) < 0.01 and 0 < along < advance - 0.001 and _overhangs(raw, index, geometry, ox, oy, advance):
        advance = along
    return geometry.char(text, ox, oy, advance)


def _overhangs(raw, index: int, geometry: _TextGeometry, ox: float, oy: float, advance: float) -> bool:
    """Whether the glyph's ink (its tight box) reaches the right edge of its loose box."""
    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    pdfium_c.FPDFText_GetCharBox(raw, index, left, right, bottom, top)
    return (
        right.value > left.value
        and geometry.right(ox, oy, left.value, bottom.value, right.value, top.value) >= advance - 0.001
    )


def _objects(holder, count, get, matrix: Matrix, depth: int = 0):
    """(type, object, the matrix of the form holding it) of every text and path object, inside forms too."""
    kinds = (pdfium_c.FPDF_PAGEOBJ_TEXT, pdfium_c.FPDF_PAGEOBJ_PATH)
    for i in range(count(holder)):
        obj = get(holder, i)
        kind = pdfium_c.FPDFPageObj_GetType(obj)
        if kind in kinds:
            yield kind, obj, matrix
        elif kind == pdfium_c.FPDF_PAGEOBJ_FORM and depth < 15:
            yield from _objects(
                obj,
                pdfium_c.FPDFFormObj_CountObjects,
                pdfium_c.FPDFFormObj_GetObject,
                multiply(_matrix(obj), matrix),
                depth + 1,
            )


def _path_edges(obj, matrix: Matrix) -> list[dict]:
    return [e for subpath in _subpaths(obj, matrix) for e in _subpath_edges(subpath) if e is not None]


def _painted(obj) -> bool:
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    pdfium_c.FPDFPath_GetDrawMode(obj, fill, stroke)
    return bool(fill.value or stroke.value)


def _subpaths(obj, matrix: Matrix) -> list[list[tuple[str, tuple[float, float]]]]:
    """The path as pdfminer sees it: subpaths of (operator, end point in page coordinates), a close as "h"."""
    x, y = ctypes.c_float(), ctypes.c_float()
    subpaths: list[list[tuple[str, tuple[float, float]]]] = []
    bezier = 0
    for i in range(pdfium_c.FPDFPath_CountSegments(obj)):
        segment = pdfium_c.FPDFPath_GetPathSegment(obj, i)
        kind = pdfium_c.FPDFPathSegment_GetType(segment)
        pdfium_c.FPDFPathSegment_GetPoint(segment, x, y)
        point = _apply(matrix, x.value, y.value)
        if kind == pdfium_c.FPDF_SEGMENT_MOVETO or not subpaths:
            subpaths.append([("m", point)])
            bezier = 0
        elif kind == pdfium_c.FPDF_SEGMENT_BEZIERTO:
            bezier += 1
            if bezier % 3:
                continue  # a control point: pdfminer keeps only the curve's end point
            subpaths[-1].append(("c", point))
        else:
            subpaths[-1].append(("l", point))
        if pdfium_c.FPDFPathSegment_GetClose(segment):
            subpaths[-1].append(("h", subpaths[-1][0][1]))
    return [s for s in subpaths if len(s) > 1]


def _subpath_edges(subpath: list[tuple[str, tuple[float, float]]]) -> list[dict | None]:
    shape = "".join(op for op, _ in subpath)
    points = [p for _, p in subpath]
    if len(shape) > 3 and shape[-2:] == "lh" and points[-2] == points[0]:
        shape, points = shape[:-2] + "h", points[:-1]  # a redundant line back to the start
    if shape in ("ml", "mlh"):
        return [_line_edge(points[0], points[1])]
    if shape in ("mlllh", "mllll") and _is_rectangle(points):
        return _rectangle_edges(points[0], points[2])
    return [_curve_edge(p, q) for p, q in pairwise(points)]


def _is_rectangle(points) -> bool:
    (x0, y0), (x1, y1), (x2, y2), (x3, y3), last = points
    return last == points[0] and (
        (x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0) or (y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0)
    )


def _line_edge(p, q) -> dict | None:
    x0, x1 = sorted((p[0], q[0]))
    top, bottom = sorted((p[1], q[1]))
    # pdfplumber: a line is horizontal when flat, otherwise vertical (even a slanted one)
    return make_edge("h" if top == bottom else "v", x0, top, x1, bottom)


def _rectangle_edges(p, q) -> list[dict | None]:
    x0, x1 = sorted((p[0], q[0]))
    top, bottom = sorted((p[1], q[1]))
    return [
        make_edge("h", x0, top, x1, top),
        make_edge("h", x0, bottom, x1, bottom),
        make_edge("v", x0, top, x0, bottom),
        make_edge("v", x1, top, x1, bottom),
    ]


def _curve_edge(p, q) -> dict | None:
    orientation = "v" if p[0] == q[0] else "h" if p[1] == q[1] else None
    if orientation is None:
        return None
    x0, x1 = sorted((p[0], q[0]))
    top, bottom = sorted((p[1], q[1]))
    return make_edge(orientation, x0, top, x1, bottom)
