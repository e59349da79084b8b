"""A stand-in font for PDFium: for faces a PDF names but neither embeds nor finds on the machine.

PDFium leaves a text object out of its text page when none of its glyphs has an outline. That
is what happens to a CJK font the PDF does not embed on a machine with no CJK font (many
servers): without a stand-in such pages went to the reference engine, at about twenty times
the cost. The word and table finders need no glyph shapes, only each character's code, origin
and advance (from the PDF's own widths, see ``pdfium_engine``). So PDFium's font lookup is
wrapped: a face the machine has is still the machine's (PDFium's default lookup is asked
first); a face it lacks, unless it is one PDFium draws with its own Latin faces, gets the
stand-in, in which every character but whitespace is a thin bar inside its advance, with no
descent (pdfminer's default where a font descriptor gives none). What is read then depends
on neither the fonts a machine has nor the engine.

The font is built with fontTools when PDFium first asks for it, once per process.
"""

from __future__ import annotations

import ctypes
import io
import struct
from functools import cache

import pypdfium2.raw as pdfium_c

# faces PDFium draws itself (its built-in Latin faces, and the multiple-master faces it names
# "Chrome…" when it substitutes one): a blank text object in one of them is whitespace
PDFIUM_DRAWS_ITSELF = (
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
    "Chrome",
)
_CJK_CHARSETS = frozenset({128, 129, 134, 136})  # Shift-JIS, Hangul, GB2312, Big5 (FXFONT_*_CHARSET)
_WHITESPACE = frozenset({0x20, 0xA0, 0x1680, 0x202F, 0x205F, 0x3000, 0xFEFF, *range(0x2000, 0x200C)})
_NAME = b"BudgetStandIn"
_HANDLE = 0x5354  # the stand-in's handle for PDFium: no handle of the default lookup is this small


@cache
def stand_in_font() -> bytes:
    """A TrueType font mapping every character of the Basic Multilingual Plane and of the CJK
    extension planes to one thin bar, whitespace to an empty glyph: a cmap of format 13 (many
    codes, one glyph: a few groups, where a code-by-code map would take 0.2 s to build)."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import TTFont
    from fontTools.ttLib.tables.DefaultTable import DefaultTable

    builder = FontBuilder(1000, isTTF=True)
    builder.setupGlyphOrder([".notdef", "space", "bar"])  # glyphs 0, 1, 2
    bar = TTGlyphPen(None)
    bar.moveTo((0, 0))  # a contour without area: an extent for PDFium, no ink when a page is rendered
    bar.lineTo((50, 700))
    bar.closePath()
    builder.setupGlyf({".notdef": TTGlyphPen(None).glyph(), "space": TTGlyphPen(None).glyph(), "bar": bar.glyph()})
    builder.setupHorizontalMetrics({".notdef": (1000, 0), "space": (1000, 0), "bar": (1000, 0)})
    builder.setupCharacterMap({0x20: "space"})  # replaced by the format 13 cmap below
    builder.setupHorizontalHeader(ascent=1000, descent=0)
    builder.setupNameTable({"familyName": _NAME.decode(), "styleName": "Regular"})
    builder.setupOS2(sTypoAscender=1000, sTypoDescender=0, usWinAscent=1000, usWinDescent=0)
    builder.setupPost()
    built = io.BytesIO()
    builder.save(built)
    font = TTFont(io.BytesIO(built.getvalue()))
    groups = _groups([(0x21, 0x7E), (0xA0, 0xD7FF), (0xE000, 0xFFFD), (0x20000, 0x323AF)])
    cmap = DefaultTable("cmap")
    cmap.data = struct.pack(">HHHHL", 0, 1, 3, 10, 12)  # version 0, one subtable: Windows, UCS-4, at 12
    cmap.data += struct.pack(">HHLLL", 13, 0, 16 + 12 * len(groups), 0, len(groups))
    cmap.data += b"".join(struct.pack(">LLL", *group) for group in groups)
    font["cmap"] = cmap
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def _groups(ranges: list[tuple[int, int]]) -> list[tuple[int, int, int]]:
    """(first code, last code, glyph) of each run of codes: whitespace to glyph 1, the rest to glyph 2."""
    groups = []
    for first, last in ranges:
        start = first
        for code in sorted(c for c in _WHITESPACE if first <= c <= last) + [last + 1]:
            if start < code:
                groups.append((start, code - 1, 2))
            if code <= last:
                groups.append((code, code, 1))
            start = code + 1
    return groups


def _needs_stand_in(charset: int, face: bytes) -> bool:
    return charset in _CJK_CHARSETS or not face.decode("latin-1").replace(" ", "").startswith(PDFIUM_DRAWS_ITSELF)


class _Lookup:
    """PDFium's default font lookup, with the stand-in for what it does not find."""

    def __init__(self):
        self.default = pdfium_c.FPDF_GetDefaultSystemFontInfo()
        fields = dict(pdfium_c.FPDF_SYSFONTINFO._fields_)
        self.callbacks = {
            name: fields[name](getattr(self, name))
            for name in ("Release", "EnumFonts", "MapFont", "GetFont", "GetFontData", "GetFaceName")
            + ("GetFontCharset", "DeleteFont")
        }
        self.info = pdfium_c.FPDF_SYSFONTINFO(version=1, **self.callbacks)
        self.font = None  # the stand-in's bytes, built when PDFium first asks for them

    def _default(self, name: str, *args):
        if not self.default:
            return 0
        method = getattr(self.default.contents, name)
        return method(self.default, *args) if method else 0

    def Release(self, this) -> None:
        pass  # the default lookup lives as long as the process

    def EnumFonts(self, this, mapper) -> None:
        self._default("EnumFonts", mapper)

    def MapFont(self, this, weight, italic, charset, pitch, face, exact):
        found = self._default("MapFont", weight, italic, charset, pitch, face, exact)
        if found:
            return found
        return _HANDLE if _needs_stand_in(charset, ctypes.cast(face, ctypes.c_char_p).value or b"") else None

    def GetFont(self, this, face):
        return self._default("GetFont", face)

    def GetFontData(self, this, handle, table, buffer, size) -> int:
        if handle != _HANDLE:
            return self._default("GetFontData", handle, table, buffer, size)
        if table:
            return 0  # only the whole font is asked for (table 0); it is not a collection
        self.font = self.font or stand_in_font()
        if buffer and size >= len(self.font):
            ctypes.memmove(buffer, self.font, len(self.font))
        return len(self.font)

    def GetFaceName(self, this, handle, buffer, size) -> int:
        if handle != _HANDLE:
            return self._default("GetFaceName", handle, buffer, size)
        name = _NAME + b"\0"
        if buffer and size >= len(name):
            ctypes.memmove(buffer, name, len(name))
        return len(name)

    def GetFontCharset(self, this, handle) -> int:
        return 134 if handle == _HANDLE else self._default("GetFontCharset", handle)

    def DeleteFont(self, this, handle) -> None:
        if handle != _HANDLE:
            self._default("DeleteFont", handle)


@cache
def install() -> _Lookup:
    """Give PDFium the wrapped lookup, once per process (kept referenced: PDFium calls into it)."""
    lookup = _Lookup()
    pdfium_c.FPDF_SetSystemFontInfo(ctypes.byref(lookup.info))
    return lookup
