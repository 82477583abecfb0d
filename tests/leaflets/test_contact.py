"""Real leaflets of the shipped project, read back from their PDFs: in Arabic the phone number, the address and
the web addresses of the contact block keep their left-to-right order (checked by the glyphs' x positions);
nothing of the contact block runs past a margin, with the demo clinic's website or an 80-character one; the
phone (tel:), website, booking page and every source are clickable URI links, tagged."""

from __future__ import annotations

import dataclasses
import io

import pytest
from pypdf import PdfReader

from scarleaflets import i18n
from scarleaflets.i18n.locales import LocaleInfo
from scarleaflets.leaflets.audit import AuditedLeaflet, Page, audit
from scarleaflets.leaflets.pdf import PdfRenderer
from scarleaflets.leaflets.render import PAGE_MARGINS, LeafletRenderer, LeafletSource, contact_links
from scarleaflets.release import Loaded, load_all

from ..conftest import SHIPPED_TODAY

# Real PDFs of the shipped project, a few seconds each.
pytestmark = pytest.mark.slow

LONG_WEBSITE = "https://www.riverside-skin-clinic.example.org/patients/leaflets/contact-us-today"


@pytest.fixture(scope="module")
def loaded(shipped_project) -> Loaded:
    return load_all(shipped_project, SHIPPED_TODAY, {})


def render(
    loaded: Loaded, brand_id: str, locale: str, topic: str = "aftercare", **changes: str
) -> AuditedLeaflet:
    brand = dataclasses.replace(loaded.brands[brand_id], **changes)
    translator = i18n.Translator.load(loaded.project, locale)
    renderer = LeafletRenderer(loaded.project, loaded.content, loaded.fonts)
    html, when = renderer.render(LeafletSource(brand, locale, topic), translator, loaded.manifests[locale])
    pdf = PdfRenderer(loaded.project.root).render(html, when, b"contact-test")
    assert pdf.warnings == ()
    direction = LocaleInfo(locale).direction
    name = f"{brand_id}/{locale}/{topic}.pdf"
    return AuditedLeaflet(
        name, pdf.data, html, locale, direction, "topic", PAGE_MARGINS, contact_links(brand)
    )


@pytest.fixture(scope="module")
def arabic(loaded) -> AuditedLeaflet:
    return render(loaded, "riverside", "ar")


def visual_line(page: Page, char: str, after: str = "") -> str:
    """The glyphs of the line that holds the first ``char`` following the text ``after`` in the page's
    glyphs, as the eye reads them from left to right (no spaces)."""
    chars = "".join(glyph.char for glyph in page.glyphs)
    anchor = page.glyphs[chars.index(char, chars.index(after) if after else 0)]
    low, high = anchor.box.bottom + 0.5, anchor.box.top - 0.5
    line = [g for g in page.glyphs if g.box.bottom < high and g.box.top > low and g.size == anchor.size]
    return "".join(g.char for g in sorted(line, key=lambda g: g.box.left))


def contact_page(leaflet: AuditedLeaflet, text: str = "Willow") -> Page:
    return next(page for page in reversed(leaflet.pages) if text in page.text)


def test_arabic_phone_shows_left_to_right(arabic):
    page = contact_page(arabic)
    line = visual_line(page, "+")
    assert "+442079460958" in line
    plus = next(g for g in page.glyphs if g.char == "+")
    same_line = [g for g in page.glyphs if g.char.isdigit() and abs(g.box.bottom - plus.box.bottom) < 2]
    digits = sorted(same_line, key=lambda g: g.box.left)
    assert plus.box.right <= digits[0].box.left  # '+44' first on the left, '0958' last on the right
    assert "".join(g.char for g in digits) == "442079460958"


def test_arabic_address_keeps_the_house_number_before_the_street(arabic):
    page = contact_page(arabic)
    assert "14WillowLane" in visual_line(page, "W")
    assert "RiversideRS14AB" in visual_line(page, "R", after="Lane")
    one = next(g for g in page.glyphs if g.char == "1" and "WillowLane" in visual_line(page, "W"))
    willow = next(g for g in page.glyphs if g.char == "W")
    assert one.box.right < willow.box.left


def test_arabic_web_addresses_are_intact_and_inside_the_text_box(arabic):
    page = contact_page(arabic)
    assert "https://riverside.example.org" in visual_line(page, "h", after="0958")
    assert "احجز عبر الإنترنت" in page.text  # "Book online", under the QR code: both open the booking page
    area = arabic.page_area(page)
    assert all(area.left - 1 <= g.box.left and g.box.right <= area.right + 1 for g in page.glyphs)


def test_arabic_leaflet_has_no_finding(arabic):
    assert audit(arabic) == []


def test_links_are_uri_annotations_of_the_tagged_pdf(arabic, loaded):
    reader = PdfReader(io.BytesIO(arabic.pdf))
    annotations = [a.get_object() for page in reader.pages for a in page.get("/Annots", [])]
    uris = {a["/A"]["/URI"] for a in annotations if a.get("/Subtype") == "/Link" and "/A" in a}
    sources = {source.link for source in loaded.content.topics["aftercare"].sources}
    assert {
        "tel:+442079460958",
        "https://riverside.example.org",
        "https://riverside.example.org/book?source=leaflet",
    } <= uris
    assert sources <= uris
    # PDF/UA: every link annotation belongs to the structure tree and says where it goes
    assert "/StructTreeRoot" in reader.trailer["/Root"]
    assert all("/StructParent" in a and a["/Contents"] for a in annotations if a.get("/Subtype") == "/Link")


def test_the_link_texts_are_readable(arabic):
    """The clickable texts are the number and the addresses themselves (and the alt text of the QR code)."""
    assert '<a href="tel:+442079460958">+44 20 7946 0958</a>' in arabic.html
    assert (
        '<a href="https://riverside.example.org" dir="ltr">https://<wbr>riverside.example.org</a>'
        in arabic.html
    )
    booking = '<a class="contact__book" href="https://riverside.example.org/book?source=leaflet">'
    assert booking + "احجز عبر الإنترنت</a>" in arabic.html


@pytest.mark.parametrize(
    ("brand", "locale"), [("riverside", "ar"), ("riverside", "en_GB"), ("harbor", "zh_Hans")]
)
def test_a_long_website_wraps_after_a_slash_and_stays_inside(loaded, brand, locale):
    assert len(LONG_WEBSITE) == 80
    leaflet = render(loaded, brand, locale, website=LONG_WEBSITE)
    assert audit(leaflet) == []
    page = contact_page(leaflet, "riverside-skin-clinic")
    glyphs = "".join(g.char for g in page.glyphs)
    for piece in ("https://www.riverside-skin-clinic.example.org/", "patients/", "leaflets/", "contact"):
        assert piece in glyphs  # each piece between slashes on one line, in order
