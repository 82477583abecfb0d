"""No text past a margin: every glyph of the body inside the page's text box, and the running header and footer
inside the paper and within the text box's width.

A page's text box is the paper less the stylesheet's margins (:meth:`AuditedLeaflet.page_area`). The running
header and footer (clinic name, title, page number, document control, the draft and preview marks) are
printed in the top and bottom margins, so they cannot be held to the text box. A glyph belongs to them when
its box lies wholly above the text box's top or wholly below its bottom; every other glyph is body text. The
check then holds

- a glyph of the body to the text box on all four sides, within :data:`TOLERANCE` (or :data:`OVERHANG_EM` of
  its size, if more: large type's letters overhang their pen position further);
- a glyph of a running header or footer to the text box's left and right edges, within the same,
  and to the paper on every side (no part of it cut off at the edge).

A glyph's box is its ink, as PDFium reports it. A combining mark stacked above the first line of a page or
below its last (an Arabic shadda with a fatha over it, a Devanagari sign) may rise or sink past the line's box
into the margin: at the top and bottom of the text box a mark gets :data:`MARK_TOLERANCE` instead, since the
20 mm margin has room for it and nothing is cut. So does a letter that is written with its mark (its canonical
decomposition has one: an Arabic alef with hamza above, U+0623, whose hamza rises 1.2 pt past a large-print
heading's line); a plain letter never does. Left and right stay strict for letters, but a combining mark gets
:data:`MARK_TOLERANCE` there too: the font places its ink past its base's advance (a Devanagari candrabindu
ending a right-aligned running title overhangs it by 0.9 pt at 10 pt, 1.1 pt at large print's 12 pt).

Body text that ran into a margin partly would be caught on its side; a line pushed wholly into the top or bottom
margin would pass as a running header or footer if it stayed within the text box's width: WeasyPrint
paginates, so body text never ends up there, but a clipped or absolutely positioned block could. One finding
per page and kind of overflow, with the worst glyph and the text around it.
"""

from __future__ import annotations

import unicodedata

from . import AuditedLeaflet, Box, Finding, Page
from .pages import Glyph

NAME = "margins"
TOLERANCE = 1.0  # points
# A letter's ink may reach past its pen position by design, more in larger type: Noto Sans's J hooks 0.078 em
# to the left of it (1.25 pt at large print's 16 pt, where a line starting "Jede" reached 1.2 pt into the left
# margin). A letter gets this share of its size if that is more than TOLERANCE; an overflow from layout (a
# word that cannot break, a negative margin) reaches much further.
OVERHANG_EM = 0.1
MARK_TOLERANCE = 3.0  # points, for a combining mark past the top or bottom of the text box


def check_margins(leaflet: AuditedLeaflet) -> list[Finding]:
    findings: list[Finding] = []
    for page in leaflet.pages:
        area = leaflet.page_area(page)
        paper = Box(0, 0, page.width, page.height)
        body = [g for g in page.glyphs if not _in_running_band(g, area)]
        running = [g for g in page.glyphs if _in_running_band(g, area)]
        findings += _outside(page, body, area, "body text", "the text box")
        findings += _outside(page, running, _band(area, paper), "running header or footer text", "its band")
    return findings


def _in_running_band(glyph: Glyph, area: Box) -> bool:
    return glyph.box.bottom >= area.top or glyph.box.top <= area.bottom


def _band(area: Box, paper: Box) -> Box:
    """Where a running header or footer may print: the text box's width, the paper's height."""
    return Box(area.left, paper.bottom, area.right, paper.top)


def _outside(page: Page, glyphs: list[Glyph], bounds: Box, what: str, where: str) -> list[Finding]:
    findings = []
    for side in ("left", "right", "top", "bottom"):
        over = [g for g in glyphs if _excess(g, bounds, side) > _tolerance(g, side)]
        if not over:
            continue
        worst = max(over, key=lambda g: _excess(g, bounds, side))
        findings.append(
            Finding(
                NAME,
                page.number,
                f"{what} runs {_excess(worst, bounds, side):.1f} pt past the {side} of {where} "
                f"({len(over)} glyph{'s' if len(over) > 1 else ''}, worst '{_around(page, worst)}' at "
                f"x={worst.box.left:.1f}–{worst.box.right:.1f}, y={worst.box.bottom:.1f}–{worst.box.top:.1f} pt)",
            )
        )
    return findings


def _tolerance(glyph: Glyph, side: str) -> float:
    if _is_mark(glyph.char):  # on every side: its ink may reach past its base's
        return MARK_TOLERANCE
    vertical = side in ("top", "bottom")
    written_with_mark = any(_is_mark(part) for part in unicodedata.normalize("NFD", glyph.char))
    return MARK_TOLERANCE if vertical and written_with_mark else max(TOLERANCE, OVERHANG_EM * glyph.size)


def _is_mark(char: str) -> bool:
    return unicodedata.category(char).startswith("M")


def _excess(glyph: Glyph, bounds: Box, side: str) -> float:
    """How far ``glyph`` reaches past ``side`` of ``bounds``, in points (negative: inside)."""
    box = glyph.box
    if side == "left":
        return bounds.left - box.left
    if side == "right":
        return box.right - bounds.right
    if side == "top":
        return box.top - bounds.top
    return bounds.bottom - box.bottom


def _around(page: Page, glyph: Glyph, width: int = 12) -> str:
    """The glyphs printed around ``glyph``, in the order of the page's text, to say which text it is."""
    index = page.glyphs.index(glyph)
    return "".join(g.char for g in page.glyphs[max(0, index - width) : index + width])
