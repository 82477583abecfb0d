"""The fill check: no wasted page. A leaflet of more than one page has no page less than a fifth full.

A page's fill is the share of its text box (:meth:`~.AuditedLeaflet.page_area`) from the box's top down to
the lowest glyph, image or drawn shape of the body; the running header and footer sit in the margins and do
not count. A page that ends early because what follows it must start a new page still counts from the top,
so only a nearly empty page is found: three lines of small print after the rest of a leaflet, a page holding
one review line. The last page is held to the same share (the contact block and the closing notes, kept
together, fill more than a fifth of any page); a one-page leaflet is as long as it needs to be.
"""

from __future__ import annotations

from . import MM, AuditedLeaflet, Box, Finding, Page

MIN_FILL = 0.20
# How far a body item may reach past the text box and still be counted (rounding of glyph boxes).
TOLERANCE = 1.0


def body_boxes(leaflet: AuditedLeaflet, page: Page) -> list[Box]:
    """The glyphs, images and shapes of the page's body: those inside its text box."""
    area = leaflet.page_area(page)
    boxes = [glyph.box for glyph in page.glyphs] + list(page.images) + list(page.shapes)
    return [
        box
        for box in boxes
        if box.top <= area.top + TOLERANCE
        and box.bottom >= area.bottom - TOLERANCE
        and box.left >= area.left - TOLERANCE
        and box.right <= area.right + TOLERANCE
    ]


def page_fill(leaflet: AuditedLeaflet, page: Page) -> float:
    """The share of the page's text box, from its top, that the body reaches down to (0 for an empty page)."""
    area = leaflet.page_area(page)
    boxes = body_boxes(leaflet, page)
    if not boxes:
        return 0.0
    lowest = min(box.bottom for box in boxes)
    return max(0.0, min(1.0, (area.top - lowest) / area.height))


def check_fill(leaflet: AuditedLeaflet) -> list[Finding]:
    """A finding for each page under :data:`MIN_FILL` of a leaflet of more than one page."""
    pages = leaflet.pages
    if len(pages) < 2:
        return []
    findings = []
    for page in pages:
        fill = page_fill(leaflet, page)
        if fill < MIN_FILL:
            used = fill * leaflet.page_area(page).height / MM
            findings.append(
                Finding(
                    "fill",
                    page.number,
                    f"only {fill:.0%} of the page is used (the body ends {used:.0f} mm below the top of the "
                    f"text box), under {MIN_FILL:.0%}: a nearly empty page",
                )
            )
    return findings
