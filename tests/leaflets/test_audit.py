"""audit/: the page geometry read back from real PDFs (glyph sizes in points, boxes, the text box), and the
audit of the whole leaflet matrix: no finding on any leaflet of the demo clinics."""

from __future__ import annotations

import dataclasses
import datetime as dt
import multiprocessing
import re
import sys
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import pytest

from scarleaflets.leaflets.audit import MM, AuditedLeaflet, Finding, Margins, audit
from scarleaflets.leaflets.audit.fill import check_fill, page_fill
from scarleaflets.leaflets.audit.pages import read_pages
from scarleaflets.leaflets.audit.typesize import check_type_size
from scarleaflets.leaflets.build import default_jobs
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


# Body text at 12 pt filling about three quarters of an A4 page's text box.
FULL_PAGE = "<p>" + "Keep the treated skin clean and out of the sun. " * 60 + "</p>"
RUNNING_FOOTER = "@page { @bottom-center { content: 'Page ' counter(page); font-size: 10pt } }"
BODY = "p { font-size: 12pt; margin: 0 }"


def test_fill_finds_a_page_holding_only_a_few_lines():
    leaflet = rendered(FULL_PAGE + "<p style='break-before: page'>A closing line.</p>", BODY + RUNNING_FOOTER)
    assert len(leaflet.pages) == 2
    (finding,) = check_fill(leaflet)
    assert finding.page == 2
    assert finding.check == "fill"
    assert "under 20%" in finding.message
    assert page_fill(leaflet, leaflet.pages[0]) > 0.5


def test_fill_passes_pages_a_fifth_full_or_more_and_a_one_page_leaflet():
    closing = "<div style='break-before: page'>" + "<p>A closing line.</p>" * 15 + "</div>"
    leaflet = rendered(FULL_PAGE + closing, BODY + RUNNING_FOOTER)
    assert len(leaflet.pages) == 2
    assert 0.2 <= page_fill(leaflet, leaflet.pages[1]) < 0.5
    assert check_fill(leaflet) == []
    assert check_fill(rendered("<p>One line.</p>", BODY + RUNNING_FOOTER)) == []


def test_fill_counts_images_and_shapes_of_the_body_but_not_the_running_footer():
    box = "<div style='break-before: page; height: 80mm; background: #f3f5f6'></div>"
    leaflet = rendered(FULL_PAGE + box, BODY + RUNNING_FOOTER)
    assert page_fill(leaflet, leaflet.pages[1]) == pytest.approx(80 / 257, abs=0.01)  # A4 less 2 x 20 mm
    assert check_fill(leaflet) == []


def test_type_size_finds_small_notes_and_running_texts():
    small_note = rendered("<p>Body text at twelve points.</p><p style='font-size: 8.5pt'>Sources.</p>", BODY)
    (finding,) = check_type_size(small_note)
    assert finding.page == 1
    assert finding.check == "typesize"
    assert "8 characters at 8.5 pt, under the 10 pt minimum: 'Sources.'" in finding.message
    small_footer = rendered("<p>Body text.</p>", BODY + RUNNING_FOOTER.replace("10pt", "8pt"))
    (finding,) = check_type_size(small_footer)
    assert "at 8 pt" in finding.message


def test_type_size_passes_a_twelve_point_body_with_ten_point_notes_and_footer():
    leaflet = rendered(
        "<p>" + "Body text at twelve points. " * 20 + "</p><p style='font-size: 10pt'>A note.</p>",
        BODY + RUNNING_FOOTER,
    )
    assert check_type_size(leaflet) == []


LARGE_BODY = "p { font-size: 16pt; margin: 0 }"
LARGE_FOOTER = RUNNING_FOOTER.replace("10pt", "12pt")


def test_type_size_holds_the_large_print_edition_to_14_pt_text_and_12_pt_running_texts():
    """What passes a standard leaflet fails in large print: a 12 pt note in the text box, and a 10 pt footer."""
    note = "<p>Body text at sixteen points.</p><p style='font-size: 12pt'>Sources.</p>"
    standard = rendered(note, LARGE_BODY + LARGE_FOOTER)
    assert check_type_size(standard) == []
    large = dataclasses.replace(standard, large_print=True)
    (finding,) = check_type_size(large)
    assert "8 characters at 12 pt, under the 14 pt minimum for large print: 'Sources.'" in finding.message
    footer = rendered("<p>Body text at sixteen points.</p>", LARGE_BODY + RUNNING_FOOTER)
    (finding,) = check_type_size(dataclasses.replace(footer, large_print=True))
    assert "at 10 pt, under the 12 pt minimum: 'Page1'" in finding.message


def test_type_size_passes_large_print_with_14_pt_notes_and_a_12_pt_running_footer():
    note = "<p>" + "Body text at sixteen points. " * 10 + "</p><p style='font-size: 14pt'>A note.</p>"
    leaflet = dataclasses.replace(rendered(note, LARGE_BODY + LARGE_FOOTER), large_print=True)
    assert {12.0, 14.0, 16.0} <= {glyph.size for page in leaflet.pages for glyph in page.glyphs}
    assert check_type_size(leaflet) == []


@pytest.mark.slow  # about two hundred real leaflets
def test_no_leaflet_of_the_matrix_has_a_finding(leaflet_matrix):
    findings = [
        f"{name}: {finding}" for name, item in sorted(leaflet_matrix.items()) for finding in item.findings
    ]
    assert len(leaflet_matrix) >= 200
    assert findings == []


@dataclass(frozen=True)
class Reading:
    """What the matrix tests below read of one leaflet, in one pass over its pages."""

    body: float  # the size most of its printed line length is set in
    hyphenated: tuple[str, ...]  # words broken by automatic hyphenation at a line end
    split_schemes: int  # web addresses broken inside "https://"


def _reading(data: bytes) -> Reading:
    """One leaflet read back (PDFium): its body size, its hyphenated words and its split web addresses."""
    widths: Counter[float] = Counter()
    hyphenated: list[str] = []
    split = 0
    for page in read_pages(data):
        for glyph in page.glyphs:
            widths[glyph.size] += glyph.box.width
        hyphenated += [f"p{page.number}: {m}" for m in re.findall(r"\w[\u2010\u00ad]\r?\n\w", page.text)]
        split += len(re.findall(r"h\r?\nttps?:|https?\r?\n:|https?:/?\r?\n/", page.text))
    return Reading(widths.most_common(1)[0][0], tuple(hyphenated), split)


@pytest.fixture(scope="module")
def readings(leaflet_matrix) -> dict[str, Reading]:
    """Each leaflet of the matrix read back once, for the tests that look at every glyph: in one process per
    core, as the matrix is rendered (each process its own PDFium, which is not thread-safe)."""
    names = sorted(leaflet_matrix, key=lambda name: -len(leaflet_matrix[name].data))  # the guides first
    context = multiprocessing.get_context("fork" if sys.platform.startswith("linux") else "spawn")
    with ProcessPoolExecutor(default_jobs(), mp_context=context) as pool:
        found = pool.map(_reading, (leaflet_matrix[name].data for name in names))
        return dict(zip(names, found, strict=True))


@pytest.mark.slow  # the same leaflets, read back
def test_the_body_of_every_leaflet_of_the_matrix_is_at_least_12_pt(readings):
    """The body size of each leaflet is the size that most of its printed line length is set in (glyphs
    weighted by their width: a Chinese body of fewer, wider characters outweighs the English sources)."""
    assert {name: reading.body for name, reading in readings.items() if reading.body < 12} == {}


@pytest.mark.slow  # the same leaflets, read back
def test_no_word_of_the_matrix_is_hyphenated_and_no_web_address_split_in_its_scheme(readings):
    """Automatic hyphenation ends a line with U+2010 inside a word ("emer‐|gency"; 1030 of them before issue
    13); a web address breaks only after a slash, never inside "https://"."""
    assert {name: reading.hyphenated for name, reading in readings.items() if reading.hyphenated} == {}
    assert {name: reading.split_schemes for name, reading in readings.items() if reading.split_schemes} == {}
