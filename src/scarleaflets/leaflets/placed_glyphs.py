"""Glyphs drawn off their pen position (the vowel marks of Arabic) become glyphs drawn on it, so that the PDF's
text layer reads each word whole.

HarfBuzz places a mark on its base with an offset: the shadda of طّ goes right and up, the tanween of ساخنًا up.
WeasyPrint draws a vertical offset as a text rise (``Ts``), which needs a ``TJ`` of its own, and a horizontal
one as a move back and forth inside the ``TJ``. PDFium and Poppler, which read text objects and gaps
geometrically, then read the mark apart from its word (``ساخن ً ا``, ``مسطّ حة``); actual text cannot help in a
right-to-left line, because both readers reorder it as if it were drawn left to right (developers' guide, "The
PDF text layer"). About 9% of the Arabic words carried such a mark.

A font that placed every mark itself would need no offset. This module makes the embedded font do exactly
that. Before a line is drawn (:func:`place`, called by :mod:`.actualtext`'s wrapper of WeasyPrint's
``draw_first_line``), each glyph drawn with an offset is replaced by a new glyph of the same font: the same
outline moved by that offset, with the same advance and text. The line is then drawn without rise or move,
in one ``TJ``, and every reader finds the mark where its word is. After WeasyPrint has subset the font
(``Font.clean``), :func:`install`'s wrapper adds those glyphs to the embedded font file, after the font's own
glyphs (each new glyph is numbered past them; the numbers WeasyPrint gives to glyphs missing from a font
follow on, so neither collides).

What is printed does not change: the new glyph is the old outline at the place where the old glyph was drawn
(to the font unit: 1/1000 em). Only TrueType outlines (``glyf``) of static fonts are copied; a glyph of another
font (CFF, variable, bitmap) keeps WeasyPrint's offset. The numbering follows the drawing order, so equal HTML
still gives equal bytes.
"""

from __future__ import annotations

import copy
import io
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache, wraps
from typing import Any, TypeAlias

import weasyprint.pdf.fonts as weasyprint_fonts
from fontTools.pens.recordingPen import DecomposingRecordingPen
from fontTools.pens.transformPen import TransformPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont
from weasyprint.text.ffi import FROM_UNITS, ffi, pango

_Untyped: TypeAlias = Any  # WeasyPrint's fonts and streams, Pango's glyph strings: untyped
_MARK = "_scarleaflets_placed_glyphs"
_ATTRIBUTE = "_scarleaflets_placed"


@dataclass
class _Placed:
    """The glyphs added to one font of one document: (glyph, dx, dy in font units) -> new glyph number."""

    full_font: bytes  # the font file before WeasyPrint subsets it: the outlines are copied from it
    glyphs: dict[tuple[int, int, int], int] = field(default_factory=dict)


def _registry(font: _Untyped) -> _Placed | None:
    """The font's added glyphs, or None if its outlines cannot be copied (not TrueType, variable, bitmap)."""
    placed: _Placed | None = getattr(font, _ATTRIBUTE, None)
    if placed is None:
        if font.bitmap or "glyf" not in font.tables or "fvar" in font.tables:
            return None
        placed = _Placed(font.file_content)
        setattr(font, _ATTRIBUTE, placed)
    return placed


# Glyph numbers are written as two bytes. The last one is WeasyPrint's for its missing glyphs once it has no
# other left, so a copy never takes it: a font of nearly 65,536 glyphs has no number left for copies.
LAST_GLYPH = 0xFFFF


def _next_glyph(font: _Untyped, placed: _Placed) -> int:
    return int(font.glyph_count) + len(font.missing) + len(placed.glyphs)


def _number(font: _Untyped, placed: _Placed, key: tuple[int, int, int]) -> int | None:
    """The number of the placed copy ``key`` (given it on first use), or None when no number is left (the
    glyph then keeps WeasyPrint's offset)."""
    number = placed.glyphs.get(key)
    if number is None:
        number = _next_glyph(font, placed)
        if number >= LAST_GLYPH:
            return None
        placed.glyphs[key] = number
    return number


def place(stream: _Untyped, textbox: _Untyped) -> int:
    """Replace each glyph of ``textbox``'s first line that is drawn with an offset by its placed copy (see the
    module docstring); returns how many glyphs were replaced. Call it before WeasyPrint draws the line, after
    the glyphs' texts are known (the copy takes its glyph's text)."""
    first_line, _ = textbox.pango_layout.get_first_line()
    replaced = 0
    logical = ffi.new("PangoRectangle *")
    ink = ffi.new("PangoRectangle *")
    run = first_line.runs[0] if first_line.runs != ffi.NULL else ffi.NULL
    while run != ffi.NULL:
        item = run.data
        run = run.next
        font, font_size = stream.add_font(item.item.analysis.font)
        if pango.pango_version() < 14802 or font.png:  # as WeasyPrint's draw_first_line
            font_size = textbox.style["font_size"]
        placed = None
        for i in range(item.glyphs.num_glyphs):
            info = item.glyphs.glyphs[i]
            glyph = info.glyph
            x_offset, y_offset = info.geometry.x_offset, info.geometry.y_offset
            if not (x_offset or y_offset) or glyph == pango.PANGO_GLYPH_EMPTY:
                continue
            if glyph & pango.PANGO_GLYPH_UNKNOWN_FLAG or glyph >= font.glyph_count:
                continue
            placed = placed or _registry(font)
            if placed is None:
                break
            # WeasyPrint draws the glyph x_offset / font_size thousandths of an em to the right, and raised by
            # -y_offset / 1000 text-space units (the font being font_size units tall): the same in font units.
            dx = round(x_offset / font_size / 1000 * font.upem)
            dy = round(-y_offset / 1000 / font_size * font.upem)
            new = _number(font, placed, (glyph, dx, dy))
            if new is None:
                continue
            if glyph not in font.widths:
                pango.pango_font_get_glyph_extents(item.item.analysis.font, glyph, ink, logical)
                font.widths[glyph] = round(logical.width * 1000 * FROM_UNITS / font_size)
            font.widths.setdefault(new, font.widths[glyph])
            if glyph in font.to_unicode:
                font.to_unicode.setdefault(new, font.to_unicode[glyph])
            info.glyph = new
            info.geometry.x_offset = 0
            info.geometry.y_offset = 0
            replaced += 1
    return replaced


@dataclass(frozen=True)
class _Moved:
    """A glyph's outline moved by an offset, with its advance and the moved outline's left edge."""

    outline: Any  # fontTools' TrueType glyph
    advance: int
    left: int
    vertical: tuple[int, int] | None  # the glyph's vertical metrics, if the font has any


_FULL_FONTS_LOCK = threading.Lock()  # renders run in several threads; fontTools loads tables lazily


@lru_cache(maxsize=8)
def _full_font(data: bytes, index: int) -> TTFont:
    """A full font file, parsed once per process (the same few fonts are embedded in every leaflet)."""
    return TTFont(io.BytesIO(data), fontNumber=index)


@lru_cache(maxsize=4096)
def _moved(data: bytes, index: int, glyph: int, dx: int, dy: int) -> _Moved:
    """Glyph ``glyph`` of a font file, its outline (components decomposed) moved by (dx, dy) font units."""
    with _FULL_FONTS_LOCK:
        full = _full_font(data, index)
        glyphs = full.getGlyphSet()
        name = full.getGlyphOrder()[glyph]
        outline = DecomposingRecordingPen(glyphs)  # components are named in the full font: their outlines
        glyphs[name].draw(outline)
        advance = full["hmtx"][name][0]
        vertical = full["vmtx"][name] if "vmtx" in full else None
    pen = TTGlyphPen(None)
    outline.replay(TransformPen(pen, (1, 0, 0, 1, dx, dy)))
    moved = pen.glyph()
    moved.recalcBounds(None)
    # A TrueType glyph is drawn at its left side bearing: it must be the moved outline's left edge.
    return _Moved(moved, advance, getattr(moved, "xMin", 0), vertical)


def _add_glyphs(file_content: bytes, index: int, placed: _Placed) -> bytes:
    """``file_content`` (the subset font) with the placed glyphs added at their numbers, copied from the full
    font; numbers between the subset's last glyph and them get empty glyphs.

    The subset's own glyphs are written back as they are (no bounding boxes recomputed: they did not change),
    which is what keeps this cheap; the glyph-count limits in ``maxp`` are raised for the copies by hand."""
    subset = TTFont(io.BytesIO(file_content), fontNumber=index, recalcBBoxes=False)
    glyf = subset["glyf"]
    hmtx = subset["hmtx"]
    maxp = subset["maxp"]
    order = list(subset.getGlyphOrder())
    by_number = {number: key for key, number in placed.glyphs.items()}
    empty = TTGlyphPen(None).glyph()
    for number in range(len(order), max(by_number) + 1):
        name = f"placed.{number}"
        order.append(name)
        key = by_number.get(number)
        if key is None:  # a number WeasyPrint gave to a glyph missing from the font: drawn as .notdef
            glyf.glyphs[name] = empty
            hmtx.metrics[name] = (0, 0)
            if "vmtx" in subset:
                subset["vmtx"].metrics[name] = (0, 0)
            continue
        moved = _moved(placed.full_font, index, *key)
        glyf.glyphs[name] = copy.deepcopy(moved.outline)  # the cached glyph is shared by every document
        hmtx.metrics[name] = (moved.advance, moved.left)
        if "vmtx" in subset:
            subset["vmtx"].metrics[name] = moved.vertical or (0, 0)
        if moved.outline.numberOfContours > 0:
            maxp.maxPoints = max(maxp.maxPoints, len(moved.outline.coordinates))
            maxp.maxContours = max(maxp.maxContours, moved.outline.numberOfContours)
    glyf.glyphOrder = order
    subset.setGlyphOrder(order)
    maxp.numGlyphs = len(order)
    if "post" in subset:  # glyph names are not needed in an embedded font, and would have to be made up
        subset["post"].formatType = 3.0
    for table in ("hdmx", "VDMX"):  # optional per-size tables that count the glyphs: now wrong, so dropped
        if table in subset:
            del subset[table]
    output = io.BytesIO()
    subset.save(output)
    return output.getvalue()


def _clean_with_placed_glyphs(original: Callable[..., None]) -> Callable[..., None]:
    @wraps(original)
    def clean(self: _Untyped, to_unicode: dict[int, str], hinting: bool) -> None:
        placed: _Placed | None = getattr(self, _ATTRIBUTE, None)
        if not placed or not placed.glyphs:
            original(self, to_unicode, hinting)
            return
        numbers = set(placed.glyphs.values())
        # The subsetter keeps the font's own glyphs that are used; the placed ones are added after it.
        original(self, {glyph: text for glyph, text in to_unicode.items() if glyph not in numbers}, hinting)
        self.file_content = _add_glyphs(self.file_content, self.index, placed)

    setattr(clean, _MARK, True)
    return clean


def _unused_glyph_after_placed(original: Callable[..., int]) -> Callable[..., int]:
    @wraps(original)
    def get_unused_glyph_id(self: _Untyped, codepoint: int) -> int:
        placed: _Placed | None = getattr(self, _ATTRIBUTE, None)
        if placed and codepoint not in self.missing:
            # Number it past the placed glyphs too (WeasyPrint counts only its missing glyphs); like WeasyPrint,
            # give the last number once none is left.
            self.missing[codepoint] = min(_next_glyph(self, placed), LAST_GLYPH)
        return int(original(self, codepoint))

    setattr(get_unused_glyph_id, _MARK, True)
    return get_unused_glyph_id


def install() -> None:
    """Let fonts take placed glyphs (once per process; again is a no-op)."""
    font_class = weasyprint_fonts.Font
    if not getattr(font_class.clean, _MARK, False):
        font_class.clean = _clean_with_placed_glyphs(font_class.clean)
    if not getattr(font_class.get_unused_glyph_id, _MARK, False):
        font_class.get_unused_glyph_id = _unused_glyph_after_placed(font_class.get_unused_glyph_id)
