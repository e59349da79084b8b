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

PDFium drops text objects whose glyphs have no outline, which happens with a font that is
neither embedded nor on the machine: ``pdfium_fonts`` gives PDFium a stand-in for such faces, so
it keeps their characters on any machine. Were no stand-in drawn (``draws_missing_fonts``), a page
printing in a non-embedded font PDFium cannot draw would come back incomplete and be read by the
reference engine, so the facts never depend on the fonts a machine has. PDFium drops
whitespace-only text objects too: each becomes a space at its start, which is all the word finder needs.
"""

from __future__ import annotations

import ctypes
from functools import cache
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from pipeline.intermediate import UnreadableDocument
from pipeline.readers import pdfium_batch as batch
from pipeline.readers import pdfium_fonts
from pipeline.readers.pdf_page import Char, EngineDocument, PageContent, make_chars, make_edges, on_grid
from pipeline.readers.pdfium_batch import RETURNS_HANDLE, RETURNS_INT, RETURNS_UNSIGNED, WRITES, Getter
from pipeline.readers.pdfium_fonts import PDFIUM_DRAWS_ITSELF

Matrix = tuple[float, float, float, float, float, float]  # a b c d e f: x' = a x + c y + e, y' = b x + d y + f
_IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
_HYPHEN_MARK = 0x2  # PDFium's code for a hyphen it takes for a word broken at the line end
_MAYBE_GENERATED_CODES = np.array((10, 13, 32))  # PDFium generates only spaces and line breaks
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


_ADDRESS, _INT = ctypes.c_void_p, ctypes.c_int
_text_object = Getter(pdfium_c.FPDFText_GetTextObject, RETURNS_HANDLE, _ADDRESS, _INT)
_unicode = Getter(pdfium_c.FPDFText_GetUnicode, RETURNS_UNSIGNED, _ADDRESS, _INT)
_is_generated = Getter(pdfium_c.FPDFText_IsGenerated, RETURNS_INT, _ADDRESS, _INT)
_char_origin = Getter(pdfium_c.FPDFText_GetCharOrigin, WRITES, _ADDRESS, _INT, _ADDRESS, _ADDRESS)
_loose_char_box = Getter(pdfium_c.FPDFText_GetLooseCharBox, WRITES, _ADDRESS, _INT, _ADDRESS)
_char_box = Getter(pdfium_c.FPDFText_GetCharBox, WRITES, _ADDRESS, _INT, _ADDRESS, _ADDRESS, _ADDRESS, _ADDRESS)
_char_matrix = Getter(pdfium_c.FPDFText_GetMatrix, WRITES, _ADDRESS, _INT, _ADDRESS)
_char_font_size = ctypes.CFUNCTYPE(ctypes.c_double, _ADDRESS, _INT)(
    ctypes.cast(pdfium_c.FPDFText_GetFontSize, ctypes.c_void_p).value
)
_font = Getter(pdfium_c.FPDFTextObj_GetFont, RETURNS_HANDLE, _ADDRESS)
_object_font_size = Getter(pdfium_c.FPDFTextObj_GetFontSize, WRITES, _ADDRESS, _ADDRESS)
_page_object = Getter(pdfium_c.FPDFPage_GetObject, RETURNS_HANDLE, _ADDRESS, _INT)
_form_object_count = Getter(pdfium_c.FPDFFormObj_CountObjects, RETURNS_INT, _ADDRESS)
_form_object = Getter(pdfium_c.FPDFFormObj_GetObject, RETURNS_HANDLE, _ADDRESS, ctypes.c_ulong)
_object_type = Getter(pdfium_c.FPDFPageObj_GetType, RETURNS_INT, _ADDRESS)
_object_matrix = Getter(pdfium_c.FPDFPageObj_GetMatrix, WRITES, _ADDRESS, _ADDRESS)
_object_bounds = Getter(pdfium_c.FPDFPageObj_GetBounds, WRITES, _ADDRESS, _ADDRESS, _ADDRESS, _ADDRESS, _ADDRESS)
_draw_mode = Getter(pdfium_c.FPDFPath_GetDrawMode, WRITES, _ADDRESS, _ADDRESS, _ADDRESS)
_segment_count = Getter(pdfium_c.FPDFPath_CountSegments, RETURNS_INT, _ADDRESS)
_segment = Getter(pdfium_c.FPDFPath_GetPathSegment, RETURNS_HANDLE, _ADDRESS, _INT)
_segment_type = Getter(pdfium_c.FPDFPathSegment_GetType, RETURNS_INT, _ADDRESS)
_segment_point = Getter(pdfium_c.FPDFPathSegment_GetPoint, WRITES, _ADDRESS, _ADDRESS, _ADDRESS)
_segment_close = Getter(pdfium_c.FPDFPathSegment_GetClose, RETURNS_INT, _ADDRESS)


_MOVETO, _LINETO, _BEZIERTO = pdfium_c.FPDF_SEGMENT_MOVETO, pdfium_c.FPDF_SEGMENT_LINETO, pdfium_c.FPDF_SEGMENT_BEZIERTO
_TEXT, _PATH, _FORM = pdfium_c.FPDF_PAGEOBJ_TEXT, pdfium_c.FPDF_PAGEOBJ_PATH, pdfium_c.FPDF_PAGEOBJ_FORM


class _Out:
    """Output arguments for the untyped functions: ``count`` C values of ``kind`` and their addresses."""

    def __init__(self, kind, count: int):
        self.values = (kind * count)()
        self.addresses = [ctypes.addressof(self.values) + i * ctypes.sizeof(kind) for i in range(count)]


def multiply(m: Matrix, n: Matrix) -> Matrix:
    """m, then n; ``m`` may be columns of matrices (numpy arrays): the same operations, so the same figures."""
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


class PdfiumDocument(EngineDocument):
    """An open PDF, read page by page (each page and its text page closed before the next)."""

    def __init__(self, path: Path, data: bytes):
        self.path = path
        draws_missing_fonts()  # the stand-in font installed before PDFium loads the document's fonts
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
    edges, blank_runs, complete = [], [], True
    page_address = ctypes.cast(page.raw, ctypes.c_void_p).value
    for parent, texts, paths in _object_runs(
        page_address, pdfium_c.FPDFPage_CountObjects(page.raw), _page_object, _IDENTITY
    ):
        if paths:
            edges.extend(_paths_edges(paths, parent, to_page))
        blank = _blank(texts)
        if blank:
            blank_runs.append((parent, blank))
        if complete and texts and not draws_missing_fonts():
            complete = all(_draws_glyphs(ctypes.cast(_font.call(obj), pdfium_c.FPDF_FONT)) for obj in texts)
    spaces, drawn = _spaces(blank_runs, device, to_page) if blank_runs else ([], True)
    return PageContent(number, on_grid(width), on_grid(height), chars + spaces, edges, complete and drawn)


def _matrix(obj: int) -> Matrix:
    m = pdfium_c.FS_MATRIX()
    _object_matrix.call(obj, ctypes.addressof(m))
    return (m.a, m.b, m.c, m.d, m.e, m.f)


def font_name(font) -> str:
    size = pdfium_c.FPDFFont_GetBaseFontName(font, None, 0)
    buffer = ctypes.create_string_buffer(size)
    pdfium_c.FPDFFont_GetBaseFontName(font, buffer, size)
    return buffer.value.decode("utf-8", "replace")


def _blank(texts: list[int]) -> list[int]:
    """The text objects without extent: whitespace, or glyphs PDFium has no outline for (it skips both)."""
    if not texts:
        return []
    bounds = np.zeros(4 * len(texts), dtype=np.float32)  # left, bottom, right, top of each
    batch.writes(_object_bounds, texts, bounds, 4, 4)
    width = bounds[2::4].astype(np.float64) - bounds[0::4]
    return [texts[i] for i in np.flatnonzero(width < 0.01).tolist()]


def _cjk_probe() -> bytes:
    """A one-page PDF printing two Chinese characters in a CJK font it does not embed."""
    text = b"BT /F1 20 Tf 10 20 Td <4E2D6587> Tj ET"
    objects = [
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 120 60]/Resources<</Font<</F1 4 0 R>>>>/Contents 5 0 R>>",
        b"<</Type/Font/Subtype/Type0/BaseFont/STSong-Light/Encoding/UniGB-UCS2-H/DescendantFonts[6 0 R]>>",
        b"<</Length %d>>stream\n%s\nendstream" % (len(text), text),
        b"<</Type/Font/Subtype/CIDFontType0/BaseFont/STSong-Light/CIDSystemInfo<</Registry(Adobe)/Ordering(GB1)"
        b"/Supplement 4>>/FontDescriptor 7 0 R/DW 1000>>",
        b"<</Type/FontDescriptor/FontName/STSong-Light/Flags 6/FontBBox[0 -200 1000 900]/ItalicAngle 0"
        b"/Ascent 880/Descent -120/CapHeight 700/StemV 80>>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    start = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, start)
    return bytes(out)


def _probe_page(check):
    """``check(page)`` on the one page of the probe (a CJK font the PDF does not embed)."""
    pdf = pdfium.PdfDocument(_cjk_probe())
    try:
        page = pdf[0]
        try:
            return check(page)
        finally:
            page.close()
    finally:
        pdf.close()


@cache
def draws_missing_fonts() -> bool:
    """Whether PDFium keeps the characters of a CJK font the PDF does not embed: the stand-in
    font (``pdfium_fonts``) or a font of the machine gives its glyphs an extent."""
    pdfium_fonts.install()

    def extent(page) -> bool:
        floats = _Out(ctypes.c_float, 4)
        _object_bounds.call(
            ctypes.cast(pdfium_c.FPDFPage_GetObject(page.raw, 0), ctypes.c_void_p).value, *floats.addresses
        )
        _left, bottom, _right, top = floats.values
        return top - bottom > 0.01

    return _probe_page(extent)


@cache
def cjk_font_installed() -> bool:
    """Whether this machine has a font that draws a CJK font a PDF does not embed (for example
    Debian's fonts-wqy-zenhei): the probe's glyphs then leave ink on the rendered page (the
    stand-in's leave none). Rendering pages as images for OCR needs it; reading text does not."""
    pdfium_fonts.install()
    return _probe_page(lambda page: bool((np.asarray(page.render(scale=2).to_pil().convert("L")) < 128).any()))


def _draws_glyphs(font) -> bool:
    """Whether PDFium has outlines for the font's glyphs: it is embedded, PDFium draws it with a
    face of its own, or a font of the machine or the stand-in serves it."""
    return (
        not font
        or draws_missing_fonts()
        or bool(pdfium_c.FPDFFont_GetIsEmbedded(font))
        or font_name(font).replace(" ", "").startswith(PDFIUM_DRAWS_ITSELF)
    )


def _spaces(blank_runs: list[tuple[Matrix, list[int]]], device: Matrix, to_page: Matrix) -> tuple[list[Char], bool]:
    """(a space at the start of each blank text object, whether every one is whitespace) of the
    blank objects of each run (matrix of their form, objects). PDFium leaves whitespace-only
    objects out of its text page; a space still separates the words either side. Its width is
    not known: 0. A blank object in a font PDFium cannot draw may have lost its characters
    instead: it makes no space, and the page is not read in full. Each question is asked for
    all the objects at once; objects of one matrix, size and font share a geometry."""
    objects = [obj for _, run in blank_runs for obj in run]
    parents = [parent for parent, run in blank_runs for _ in run]
    fonts = batch.returns(_font, objects).tolist()
    drawn = {font: _draws_glyphs(ctypes.cast(font, pdfium_c.FPDF_FONT)) for font in set(fonts)}
    kept = [i for i, font in enumerate(fonts) if drawn[font]]
    whitespace = len(kept) == len(objects)
    if not whitespace:
        objects, parents, fonts = ([column[i] for i in kept] for column in (objects, parents, fonts))
    n = len(objects)
    if not n:
        return [], whitespace
    sizes = np.zeros(n, dtype=np.float32)
    batch.writes(_object_font_size, objects, sizes, 1, 1)
    matrices = np.zeros(6 * n, dtype=np.float32)
    batch.writes(_object_matrix, objects, matrices, 1, 6)
    own = tuple(matrices[i::6].astype(np.float64) for i in range(6))
    a, b, c, d, ox, oy = multiply(own, tuple(np.array([parent[i] for parent in parents]) for i in range(6)))
    shape = (a.tolist(), b.tolist(), c.tolist(), d.tolist(), sizes.astype(np.float64).tolist(), fonts)
    geometries, which = _shared_geometries(*shape, device, to_page)
    return _boxes([" "] * n, geometries, which, ox, oy, np.zeros(n), to_page), whitespace


class _TextGeometry:
    """How one text object's characters map to page boxes: a character at an origin (user space)
    with advance ``w`` spans text-space x from 0 to w and y from descent to descent + font size.
    ``columns`` holds what the vectorised steps read (``_COLUMNS``): user space → text space
    (``back_*``), the page offset of one unit of advance (``ux``, ``uy``) and the box's extent
    from the origin on the page."""

    __slots__ = ("columns", "fontname", "upright")

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
        x_low, x_high = sorted((lc * descent, lc * (descent + size)))
        y_low, y_high = sorted((ld * descent, ld * (descent + size)))
        det = a * d - b * c
        back = (d / det, -c / det, -b / det, a / det) if det else (0.0, 0.0, 0.0, 0.0)
        self.columns = (*back, la, lb, x_low, x_high, y_low, y_high)
        da, db, dc, dd, _, _ = multiply((a, b, c, d, 0.0, 0.0), device)
        self.fontname, self.upright = fontname, da * dd > 0 and db * dc <= 0


_COLUMNS = ("back_xx", "back_xy", "back_yx", "back_yy", "ux", "uy", "x_low", "x_high", "y_low", "y_high")


def _columns(geometries: list[_TextGeometry], which: np.ndarray) -> dict[str, np.ndarray]:
    """Each character's geometry figures, by name, as arrays (``which``: its geometry's index)."""
    table = np.array([g.columns for g in geometries], dtype=np.float64)[which]
    return {name: table[:, i] for i, name in enumerate(_COLUMNS)}


def _right(g: dict, ox, oy, left, bottom, right, top) -> np.ndarray:
    """The right edge, in text space from the origin (ox, oy), of boxes given in user space."""
    bx, by = g["back_xx"], g["back_xy"]
    edge = bx * (np.where(bx > 0, right, left) - ox)
    return np.where(by != 0, edge + by * (np.where(by > 0, top, bottom) - oy), edge)


def _boxes(texts, geometries, which, ox, oy, advance, to_page: Matrix) -> list[Char]:
    """The characters at origins (ox, oy) in user space with their advances, as page boxes."""
    g = _columns(geometries, which)
    a, b, c, d, e, f = to_page
    px, py = a * ox + c * oy + e, b * ox + d * oy + f
    dx, dy = g["ux"] * advance, g["uy"] * advance
    ahead, down = dx >= 0, dy >= 0
    x0 = np.where(ahead, px + g["x_low"], px + g["x_low"] + dx)
    x1 = np.where(ahead, px + g["x_high"] + dx, px + g["x_high"])
    top = np.where(down, py + g["y_low"], py + g["y_low"] + dy)
    bottom = np.where(down, py + g["y_high"] + dy, py + g["y_high"])
    at = which.tolist()
    fontnames = list(map([g.fontname for g in geometries].__getitem__, at))
    uprights = list(map([g.upright for g in geometries].__getitem__, at))
    return make_chars(texts, x0, top, x1, bottom, bottom - top, fontnames, uprights)


def _descent(font, name: str) -> float:
    """The font's descent in 1/1000 em, as pdfminer takes it (negative below the baseline)."""
    if name in _STANDARD_DESCENT:
        return _STANDARD_DESCENT[name]
    descent = ctypes.c_float()
    if not font or not pdfium_c.FPDFFont_GetDescent(font, ctypes.c_float(1000.0), descent):
        return 0.0
    return -abs(descent.value)  # pdfminer turns a positive descent (a broken font descriptor) negative


def page_chars(textpage: pdfium.PdfTextPage, device: Matrix, to_page: Matrix) -> list[Char]:
    """The page's characters in PDFium's order. PDFium is asked per character only what the
    character needs (its code, text object, origin and loose box), each question for all the
    page's characters in one C-level iteration (``map``: no Python step per character); per
    text object its matrix, size and font; the boxes are then computed for all characters at once."""
    raw = ctypes.cast(textpage.raw, ctypes.c_void_p).value
    count = textpage.count_chars()
    if count <= 0:
        return []
    codes = batch.returns(_unicode, raw, np.arange(count))
    maybe = np.flatnonzero(np.isin(codes, _MAYBE_GENERATED_CODES))
    if len(maybe):
        generated = batch.returns(_is_generated, raw, maybe)
        keep = np.ones(count, dtype=bool)
        keep[maybe[generated == 1]] = False
        index, codes = np.flatnonzero(keep), codes[keep]
    else:
        index = np.arange(count)
    n = len(index)
    if not n:
        return []
    at = index.tolist()
    objects = batch.returns(_text_object, raw, index)
    origins = np.zeros(2 * n, dtype=np.float64)  # PDFium writes each origin (x, y) straight into it
    batch.writes(_char_origin, raw, origins, 2, 2, indices=index)
    ox, oy = origins[0::2], origins[1::2]
    # a piece of a ligature PDFium split up: the same object and origin as the character before it
    piece = np.zeros(n, dtype=bool)
    piece[1:] = (objects[1:] == objects[:-1]) & (ox[1:] == ox[:-1]) & (oy[1:] == oy[:-1])
    texts = list(map(chr, codes.tolist()))
    if _HYPHEN_MARK in codes:
        for i in np.flatnonzero(codes == _HYPHEN_MARK).tolist():
            texts[i] = "-"
    if piece.any():
        heads = np.flatnonzero(~piece)
        texts = ["".join(texts[a:b]) for a, b in zip(heads.tolist(), heads[1:].tolist() + [n], strict=True)]
        index, objects, ox, oy = index[heads], objects[heads], ox[heads], oy[heads]
        at, n = index.tolist(), len(heads)
    boxes = np.zeros(4 * n, dtype=np.float32)  # each loose box: left, top, right, bottom
    batch.writes(_loose_char_box, raw, boxes, 1, 4, indices=index)
    left, top, right, bottom = boxes.reshape(n, 4).astype(np.float64).T
    geometries, which = _geometries(raw, objects, index, device, to_page)
    advance = _advances(raw, geometries, at, objects, which, ox, oy, left, bottom, right, top)
    return _boxes(texts, geometries, which, ox, oy, advance, to_page)


def _geometries(raw: int, objects: np.ndarray, index: np.ndarray, device: Matrix, to_page: Matrix):
    """(the distinct geometries, each character's geometry). An object's matrix, size and font
    are read at its first character; objects of one matrix, size and font share a geometry
    (many producers make every character an object of its own)."""
    unique, first, inverse = np.unique(objects, return_index=True, return_inverse=True)
    k = len(unique)
    first_at = index[first]
    matrices = np.zeros(6 * k, dtype=np.float32)
    batch.writes(_char_matrix, raw, matrices, 1, 6, indices=first_at)
    held = unique != 0  # characters of a text object (all but what PDFium made up)
    held_sizes = np.zeros(int(held.sum()), dtype=np.float32)  # an object's size: its characters' size
    batch.writes(_object_font_size, unique[held], held_sizes, 1, 1)
    sizes = np.zeros(k, dtype=np.float64)
    sizes[held] = held_sizes
    sizes = sizes.tolist()
    for i in np.flatnonzero(~held).tolist():
        sizes[i] = _char_font_size(raw, int(first_at[i]))
    fonts = np.zeros(k, dtype=np.int64)
    fonts[held] = batch.returns(_font, unique[held])
    fonts = fonts.tolist()
    a, b, c, d = (matrices[i::6].tolist() for i in range(4))
    geometries, of_object = _shared_geometries(a, b, c, d, sizes, fonts, device, to_page)
    return geometries, of_object[inverse.reshape(-1)]


def _shared_geometries(a, b, c, d, sizes, fonts, device: Matrix, to_page: Matrix):
    """(the distinct geometries, each item's geometry) of items with a matrix (a, b, c, d), a
    size and a font (lists): items alike in all of them share one geometry, a font's name and
    descent are read once."""
    by_shape: dict[tuple, int] = {}
    which = [by_shape.setdefault(shape, len(by_shape)) for shape in zip(a, b, c, d, sizes, fonts, strict=True)]
    known_fonts: dict[int, tuple[str, float]] = {}
    geometries = []
    for a, b, c, d, size, font in by_shape:
        if font not in known_fonts:
            handle = ctypes.cast(font, pdfium_c.FPDF_FONT) if font else None
            name = font_name(handle) if handle else ""
            known_fonts[font] = (name, _descent(handle, name))
        name, descent = known_fonts[font]
        geometries.append(_TextGeometry((a, b, c, d), size, descent * size / 1000, name, device, to_page))
    return geometries, np.array(which, dtype=np.intp)


def _advances(raw, geometries, indices, objects, which, ox, oy, left, bottom, right, top) -> np.ndarray:
    """Each character's advance: the right edge of its loose box in text space, except where
    PDFium's loose box takes in ink reaching past the advance: when the next character of the
    object, on the same baseline, starts inside the box and the character's tight box reaches
    the loose box's edge, the next origin gives the advance."""
    g = _columns(geometries, which)
    advance = _right(g, ox, oy, left, bottom, right, top)
    advance = np.where(advance > 0, advance, 0.0)
    followed = np.flatnonzero(objects[:-1] == objects[1:])  # by a character of the same object
    nx, ny = ox[followed + 1] - ox[followed], oy[followed + 1] - oy[followed]
    along = g["back_xx"][followed] * nx + g["back_xy"][followed] * ny
    across = g["back_yx"][followed] * nx + g["back_yy"][followed] * ny
    inside = (np.abs(across) < 0.01) & (along > 0) & (along < advance[followed] - 0.001)
    candidates, along = followed[inside], along[inside]
    if len(candidates):
        tight = np.zeros(4 * len(candidates), dtype=np.float64)  # each tight box: left, right, bottom, top
        batch.writes(_char_box, raw, tight, 4, 4, indices=np.asarray(indices, dtype=np.int64)[candidates])
        t_left, t_right, t_bottom, t_top = tight.reshape(-1, 4).T
        of_candidates = {name: column[candidates] for name, column in g.items()}
        reach = _right(of_candidates, ox[candidates], oy[candidates], t_left, t_bottom, t_right, t_top)
        overhangs = (t_right > t_left) & (reach >= advance[candidates] - 0.001)
        advance[candidates[overhangs]] = along[overhangs]
    return advance


def _object_runs(
    holder: int, count: int, get, matrix: Matrix, depth: int = 0, runs: list | None = None
) -> list[tuple[Matrix, list[int], list[int]]]:
    """(matrix of the form holding them, text objects, path objects) of each run of objects in
    page order, forms' contents in place (a form's objects make runs of their own)."""
    runs = [] if runs is None else runs
    objects = batch.returns(get, holder, np.arange(max(count, 0))).tolist()
    kinds = batch.returns(_object_type, objects).tolist()
    if _FORM not in kinds:
        texts = [o for o, k in zip(objects, kinds, strict=True) if k == _TEXT]
        runs.append((matrix, texts, [o for o, k in zip(objects, kinds, strict=True) if k == _PATH]))
        return runs
    texts, paths = [], []
    for obj, kind in zip(objects, kinds, strict=True):
        if kind == _TEXT:
            texts.append(obj)
        elif kind == _PATH:
            paths.append(obj)
        elif kind == _FORM and depth < 15:
            runs.append((matrix, texts, paths))
            texts, paths = [], []
            inner = multiply(_matrix(obj), matrix)
            _object_runs(obj, _form_object_count.call(obj), _form_object, inner, depth + 1, runs)
    runs.append((matrix, texts, paths))
    return runs


def _paths_edges(paths: list[int], parent: Matrix, to_page: Matrix) -> list[dict]:
    """The edges of the painted paths of a form (matrix ``parent``), in order.
    PDFium is asked each question for all the paths, or all their segments, in one C-level
    iteration; the points are mapped to the page for all segments at once."""
    modes = np.zeros(2 * len(paths), dtype=np.int32)  # fill mode, stroke of each
    batch.writes(_draw_mode, paths, modes, 2, 2)
    paths = [paths[i] for i in np.flatnonzero(modes[0::2] | modes[1::2]).tolist()]
    k = len(paths)
    if not k:
        return []
    matrices = np.zeros(6 * k, dtype=np.float32)
    batch.writes(_object_matrix, paths, matrices, 1, 6)
    counts = batch.returns(_segment_count, paths)
    counts[counts < 0] = 0
    total = int(counts.sum())
    if not total:
        return []
    owner = np.repeat(np.arange(k), counts)
    number = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
    segments = batch.returns(_segment, np.array(paths, dtype=np.uint64)[owner], number)
    kinds = batch.returns(_segment_type, segments)
    closes = batch.returns(_segment_close, segments)
    points = np.zeros(2 * total, dtype=np.float32)
    batch.writes(_segment_point, segments, points, 2, 2)
    matrix = tuple(matrices[i::6].astype(np.float64) for i in range(6))
    a, b, c, d, e, f = (column[owner] for column in multiply(multiply(matrix, parent), to_page))
    px, py = points[0::2].astype(np.float64), points[1::2].astype(np.float64)
    xs, ys = a * px + c * py + e, b * px + d * py + f
    return _edges(kinds, closes != 0, xs, ys, counts)


# the two shapes nearly every ruling is drawn with: a line (move, line), a rectangle or other
# four-sided figure (move, four lines, the last closing the path); as (segment kinds, closes)
_LINE = ((_MOVETO, _LINETO), (False, False))
_FOUR_SIDED = ((_MOVETO, _LINETO, _LINETO, _LINETO, _LINETO), (False, False, False, False, True))


def _edges(kinds: np.ndarray, closes: np.ndarray, xs: np.ndarray, ys: np.ndarray, counts: np.ndarray) -> list[dict]:
    """The edges of paths (``counts``: the number of segments of each) from their segments' kinds,
    close marks and end points on the page, in path order. Lines and four-sided paths are done
    for all at once, exactly as ``_other_paths_edges`` does them; the other paths there."""
    starts = np.cumsum(counts) - counts
    found = []  # (path, order within the path, orientation, x0, top, x1, bottom) of the shapes done at once
    line = _shaped(kinds, closes, starts, counts, _LINE)
    if len(line):
        at = starts[line]
        x0, x1 = _sorted_pair(xs[at], xs[at + 1])
        top, bottom = _sorted_pair(ys[at], ys[at + 1])
        # pdfplumber: a line is horizontal when flat, otherwise vertical (even a slanted one)
        found.append((line, np.zeros(len(at)), np.where(top == bottom, "h", "v"), x0, top, x1, bottom))
    four = _shaped(kinds, closes, starts, counts, _FOUR_SIDED)
    if len(four):
        at = starts[four]
        px, py = [xs[at + i] for i in range(5)], [ys[at + i] for i in range(5)]
        back = (px[4] == px[0]) & (py[4] == py[0])  # the last line returns to the start: redundant
        rectangle = back & (
            ((px[0] == px[1]) & (py[1] == py[2]) & (px[2] == px[3]) & (py[3] == py[0]))
            | ((py[0] == py[1]) & (px[1] == px[2]) & (py[2] == py[3]) & (px[3] == px[0]))
        )
        r = np.flatnonzero(rectangle)
        x0, x1 = _sorted_pair(px[0][r], px[2][r])
        top, bottom = _sorted_pair(py[0][r], py[2][r])
        for order, (orientation, a, b, c, d) in enumerate(
            (
                ("h", x0, top, x1, top),
                ("h", x0, bottom, x1, bottom),
                ("v", x0, top, x0, bottom),
                ("v", x1, top, x1, bottom),
            )
        ):
            found.append((four[r], np.full(len(r), order), np.full(len(r), orientation), a, b, c, d))
        # other four-sided paths: an edge between each pair of consecutive points (back to the start if not there)
        for order in range(5):
            sides = np.flatnonzero(~rectangle if order < 4 else ~back)
            p, q = order, (order + 1) % 5 if order < 4 else 0
            found.append(_curve_edges(four[sides], order, px[p][sides], py[p][sides], px[q][sides], py[q][sides]))
    done = np.zeros(len(counts), dtype=bool)
    done[line], done[four] = True, True
    path, order, orientation, x0, top, x1, bottom = (
        (np.concatenate(column) for column in zip(*found)) if found else [np.array([])] * 7
    )
    keep = orientation != ""
    path, order, orientation, x0, top, x1, bottom = (c[keep] for c in (path, order, orientation, x0, top, x1, bottom))
    ranked = np.lexsort((order, path))
    edges = make_edges(orientation[ranked].tolist(), *(c[ranked] for c in (x0, top, x1, bottom)))
    numbered = [(p, e) for p, e in zip(path[ranked].tolist(), edges, strict=True) if e is not None]
    rest = np.flatnonzero(~done).tolist()
    if rest:
        numbered.extend(_other_paths_edges(rest, kinds, closes, xs, ys, starts, counts))
        numbered.sort(key=lambda item: item[0])  # stable: each path's edges stay in their order
    return [e for _, e in numbered]


def _other_paths_edges(paths: list[int], kinds, closes, xs, ys, starts, counts) -> list[tuple[int, dict]]:
    """(path, edge) of the paths neither a line nor four-sided, in order, for all of them at once.

    Each path is cut into subpaths as pdfminer cuts it: a subpath starts at a move (or at the
    path's first segment) and holds its points as (operator, point): "m" the start, "l" a line's
    end, "c" a curve's end (of each curve's three points pdfminer keeps the third, counting from
    the subpath's start), and "h" back to the subpath's first point after each segment marked as
    closing it; a subpath of one point draws nothing. A last line back to the start before an
    "h" is redundant: it goes, and its "l" becomes the "h". Then a subpath "ml" or "mlh" is a
    line (horizontal when flat, else vertical), "mlllh" or "mllll" with sides along the axes a
    rectangle (its four sides), and anything else a curve: an edge between each pair of
    consecutive points that share an x (vertical) or a y (horizontal)."""
    paths = np.asarray(paths, dtype=np.intp)
    n_of = counts[paths]
    within = np.arange(int(n_of.sum())) - np.repeat(np.cumsum(n_of) - n_of, n_of)
    segment = np.repeat(starts[paths], n_of) + within
    owner = np.repeat(paths, n_of)
    kind, closed, x, y = kinds[segment], closes[segment], xs[segment], ys[segment]
    start = (within == 0) | (kind == _MOVETO)
    subpath = np.cumsum(start) - 1
    first = np.flatnonzero(start)  # each subpath's first segment
    curve = (kind == _BEZIERTO) & ~start
    curves_so_far = np.cumsum(curve)
    curves_so_far -= (curves_so_far - curve)[first][subpath]  # counted from the subpath's start
    kept = np.flatnonzero(~curve | (curves_so_far % 3 == 0))
    # the points: each kept segment's end, then its subpath's first point where it closes it
    closing = closed[kept].astype(np.intp)
    at = np.repeat(kept, 1 + closing)
    is_h = np.zeros(len(at), dtype=bool)
    is_h[np.cumsum(1 + closing)[closing == 1] - 1] = True
    op = np.where(is_h, "h", np.where(start[at], "m", np.where(kind[at] == _BEZIERTO, "c", "l")))
    point_sub = subpath[at]
    px = np.where(is_h, x[first][point_sub], x[at])
    py = np.where(is_h, y[first][point_sub], y[at])
    size = np.bincount(point_sub, minlength=len(first))
    begin = np.cumsum(size) - size
    # the redundant last line back to the start
    last = begin + size - 1
    long = np.flatnonzero(size > 3)
    redundant = long[
        (op[last[long]] == "h")
        & (op[last[long] - 1] == "l")
        & (px[last[long] - 1] == px[begin[long]])
        & (py[last[long] - 1] == py[begin[long]])
    ]
    keep_point = np.ones(len(at), dtype=bool)
    keep_point[last[redundant]] = False
    op[last[redundant] - 1] = "h"
    size[redundant] -= 1
    # the shapes: lines and rectangles by their operators, the rest curves
    shapes = {}
    for s in np.flatnonzero((size >= 2) & (size <= 5)).tolist():
        ops = "".join(op[begin[s] : begin[s] + size[s]].tolist())
        if ops in ("ml", "mlh"):
            shapes[s] = "line"
        elif ops in ("mlllh", "mllll"):
            b = begin[s]
            (x0, x1, x2, x3, x4), (y0, y1, y2, y3, y4) = px[b : b + 5].tolist(), py[b : b + 5].tolist()
            if (x4, y4) == (x0, y0) and (
                (x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0) or (y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0)
            ):
                shapes[s] = "rectangle"
    rows = []  # (subpath, order within it, orientation, x0, top, x1, bottom) of each edge made
    lines = np.array([s for s, shape in shapes.items() if shape == "line"], dtype=np.intp)
    if len(lines):
        p, q = begin[lines], begin[lines] + 1
        x0, x1 = _sorted_pair(px[p], px[q])
        top, bottom = _sorted_pair(py[p], py[q])
        rows.append((lines, np.zeros(len(lines)), np.where(top == bottom, "h", "v"), x0, top, x1, bottom))
    rectangles = np.array([s for s, shape in shapes.items() if shape == "rectangle"], dtype=np.intp)
    if len(rectangles):
        p, q = begin[rectangles], begin[rectangles] + 2
        x0, x1 = _sorted_pair(px[p], px[q])
        top, bottom = _sorted_pair(py[p], py[q])
        sides = (
            ("h", x0, top, x1, top),
            ("h", x0, bottom, x1, bottom),
            ("v", x0, top, x0, bottom),
            ("v", x1, top, x1, bottom),
        )
        for order, (orientation, a, b, c, d) in enumerate(sides):
            rows.append(
                (rectangles, np.full(len(rectangles), order), np.full(len(rectangles), orientation), a, b, c, d)
            )
    is_curve = size >= 2
    is_curve[list(shapes)] = False
    points = np.flatnonzero(keep_point)
    pair = points[:-1][(point_sub[points[:-1]] == point_sub[points[1:]]) & is_curve[point_sub[points[:-1]]]]
    following = points[np.searchsorted(points, pair) + 1]
    rows.append(_curve_edges(point_sub[pair], np.arange(len(pair)), px[pair], py[pair], px[following], py[following]))
    sub, order, orientation, x0, top, x1, bottom = (np.concatenate(column) for column in zip(*rows, strict=True))
    aligned = orientation != ""
    sub, order, orientation, x0, top, x1, bottom = (c[aligned] for c in (sub, order, orientation, x0, top, x1, bottom))
    ranked = np.lexsort((order, sub))
    edges = make_edges(orientation[ranked].tolist(), *(c[ranked] for c in (x0, top, x1, bottom)))
    path_of = owner[first][sub[ranked]].tolist()
    return [(p, e) for p, e in zip(path_of, edges, strict=True) if e is not None]


def _shaped(kinds, closes, starts, counts, shape) -> np.ndarray:
    """The paths (their numbers) whose segments are of ``shape``: (kinds, closes) of each segment."""
    want_kinds, want_closes = shape
    candidates = np.flatnonzero(counts == len(want_kinds))
    at = starts[candidates]
    match = np.ones(len(candidates), dtype=bool)
    for i, (kind, close) in enumerate(zip(want_kinds, want_closes, strict=True)):
        match &= (kinds[at + i] == kind) & (closes[at + i] == close)
    return candidates[match]


def _sorted_pair(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``sorted((a, b))`` for each pair."""
    swap = b < a
    return np.where(swap, b, a), np.where(swap, a, b)


def _curve_edges(paths, order, px, py, qx, qy):
    """The edge of a curve between each pair of points: vertical where x is the same, horizontal where y
    is (orientation "" for neither: no edge)."""
    x0, x1 = _sorted_pair(px, qx)
    top, bottom = _sorted_pair(py, qy)
    orientation = np.where(px == qx, "v", np.where(py == qy, "h", ""))
    return paths, np.full(len(paths), order), orientation, x0, top, x1, bottom
