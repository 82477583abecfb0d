"""The type size check: text patients can read. No glyph anywhere on a page, the running header and footer
included, is smaller than the note size, 10 pt: the floor of a brand's own sizes
(:mod:`scarleaflets.brands.model`).

That body text is at least 12 pt is a property of the stylesheet rather than of one page (a short leaflet's
notes can outnumber its body's glyphs); the tests measure it over the whole matrix of leaflets as the size
most glyphs of each leaflet have.
"""

from __future__ import annotations

from ...brands.model import MIN_NOTE_PT
from . import AuditedLeaflet, Finding

# Glyph sizes are read back from the PDF's text matrices; allow for their rounding.
TOLERANCE = 0.05
SHOWN = 40  # characters of the small text quoted in a finding


def check_type_size(leaflet: AuditedLeaflet) -> list[Finding]:
    """A finding for each page with glyphs under :data:`MIN_NOTE_PT`, quoting them."""
    findings = []
    for page in leaflet.pages:
        small = [glyph for glyph in page.glyphs if glyph.size < MIN_NOTE_PT - TOLERANCE]
        if small:
            text = "".join(glyph.char for glyph in small)
            shown = text if len(text) <= SHOWN else text[:SHOWN] + "…"
            findings.append(
                Finding(
                    "typesize",
                    page.number,
                    f"{len(small)} characters at {min(g.size for g in small):g} pt, under the "
                    f"{MIN_NOTE_PT:g} pt minimum: '{shown}'",
                )
            )
    return findings
