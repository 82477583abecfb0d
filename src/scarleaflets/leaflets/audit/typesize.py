"""The type size check: text patients can read. No glyph anywhere on a page, the running header and footer
included, is smaller than the note size, 10 pt: the floor of a brand's own sizes
(:mod:`scarleaflets.brands.model`).

The large-print edition is held to its own floor: no glyph inside the page's text box is under the
large-print note size (14 pt), and the running header and footer, printed in the top and bottom margins, are
at least 12 pt (the most two lines of them that fit the margins). So a large-print leaflet that fell back to
the standard sizes anywhere in its text (a 10 pt source, a 12 pt paragraph) is a finding.

That body text is at least 12 pt (16 pt in large print) is a property of the stylesheet rather than of one
page (a short leaflet's notes can outnumber its body's glyphs); the tests measure it over the matrix of
leaflets, and on the body sentences of a released large-print leaflet.
"""

from __future__ import annotations

from ...brands.model import LARGE_PRINT_NOTE_PT, MARGIN_TEXT_MAX_PT, MIN_NOTE_PT
from . import AuditedLeaflet, Finding, Page
from .pages import Glyph

# Glyph sizes are read back from the PDF's text matrices; allow for their rounding.
TOLERANCE = 0.05
SHOWN = 40  # characters of the small text quoted in a finding


def check_type_size(leaflet: AuditedLeaflet) -> list[Finding]:
    """A finding for each page with glyphs under the minimum (:data:`MIN_NOTE_PT`; in large print
    :data:`LARGE_PRINT_NOTE_PT` in the text box and :data:`MARGIN_TEXT_MAX_PT` in the margins), quoting them."""
    findings = []
    for page in leaflet.pages:
        if leaflet.large_print:
            text_box = leaflet.page_area(page)
            inside = [g for g in page.glyphs if text_box.bottom <= _middle(g) <= text_box.top]
            margins = [g for g in page.glyphs if not text_box.bottom <= _middle(g) <= text_box.top]
            groups = [(inside, LARGE_PRINT_NOTE_PT, " for large print"), (margins, MARGIN_TEXT_MAX_PT, "")]
        else:
            groups = [(list(page.glyphs), MIN_NOTE_PT, "")]
        for glyphs, minimum, what in groups:
            finding = _small(page, glyphs, minimum, what)
            if finding is not None:
                findings.append(finding)
    return findings


def _middle(glyph: Glyph) -> float:
    return (glyph.box.bottom + glyph.box.top) / 2


def _small(page: Page, glyphs: list[Glyph], minimum: float, what: str) -> Finding | None:
    small = [glyph for glyph in glyphs if glyph.size < minimum - TOLERANCE]
    if not small:
        return None
    text = "".join(glyph.char for glyph in small)
    shown = text if len(text) <= SHOWN else text[:SHOWN] + "…"
    return Finding(
        "typesize",
        page.number,
        f"{len(small)} characters at {min(g.size for g in small):g} pt, under the "
        f"{minimum:g} pt minimum{what}: '{shown}'",
    )
