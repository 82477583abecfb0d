"""audit/: the page geometry read back from real PDFs (glyph sizes in points, boxes, the text box), and the
audit of the whole leaflet matrix: no finding on any leaflet of the demo clinics."""

from __future__ import annotations

import datetime as dt

import pytest

from scarleaflets.leaflets.audit import MM, AuditedLeaflet, Finding, Margins, audit
from scarleaflets.leaflets.pdf import PdfRenderer

from ..conftest import REPO


def rendered(body: str, css: str = "", lang: str = "en", direction: str = "ltr") -> AuditedLeaflet:
    """A leaflet-like document rendered by the project's own PDF renderer, with a 20 mm margin on every side."""
    html = (
        f'<!DOCTYPE html><html lang="{lang}" dir="{direction}"><head><meta charset="utf-8"><title>T</title>'
        f"<style>@page {{ size: A4; margin: 20mm }} html {{ font-family: 'Noto Sans'; }} {css}</style>"
        f"</head><body>{body}</body></html>"
    )
    pdf = PdfRenderer(REPO).render(html, dt.date(2026, 6, 1), b"0" * 16)
    return AuditedLeaflet(
        "test.pdf",
        pdf.data,
        html,
        lang,
        "rtl" if direction == "rtl" else "ltr",
        "topic",
        Margins(20, 20, 20, 20),
    )


def test_glyph_sizes_are_read_in_points():
    leaflet = rendered('<p style="font-size: 10.5pt">Small</p><p style="font-size: 16pt">Large</p>')
    (page,) = leaflet.pages
    sizes = {glyph.char: glyph.size for glyph in page.glyphs}
    assert sizes["S"] == pytest.approx(10.5, abs=0.01)
    assert sizes["L"] == pytest.approx(16, abs=0.01)
    assert "Small" in page.text
    assert "Large" in page.text


def test_the_text_box_is_the_page_less_its_margins():
    leaflet = rendered("<p>Text</p>")
    (page,) = leaflet.pages
    area = leaflet.page_area(page)
    assert (area.left, area.bottom) == pytest.approx((20 * MM, 20 * MM))
    assert (page.width - area.right, page.height - area.top) == pytest.approx((20 * MM, 20 * MM))
    assert all(
        area.left - 0.5 <= glyph.box.left and glyph.box.right <= area.right + 0.5 for glyph in page.glyphs
    )


def test_findings_say_where():
    assert (
        str(Finding("fill", 4, "only 8% of the page is used")) == "page 4: only 8% of the page is used (fill)"
    )
    assert str(Finding("links", None, "no tel: link")) == "no tel: link (links)"


def test_audit_runs_the_checks_given():
    leaflet = rendered("<p>Text</p>")
    always = [Finding("test", 1, "found")]
    assert audit(leaflet, (lambda _: always, lambda _: [])) == always


@pytest.mark.slow  # about two hundred real leaflets
def test_no_leaflet_of_the_matrix_has_a_finding(leaflet_matrix):
    findings = [
        f"{name}: {finding}" for name, item in sorted(leaflet_matrix.items()) for finding in item.findings
    ]
    assert len(leaflet_matrix) >= 200
    assert findings == []
