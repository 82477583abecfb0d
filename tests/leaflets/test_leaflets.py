"""The shipped project's leaflets, built for a representative sample of brands, locales and scripts, and
inspected as real PDFs: pages, searchable translated text, metadata title and language, tags, bookmarks,
embedded fonts, the translation status in the leaflet's own language, and byte-for-byte determinism; and the
complete guide's layout in three scripts, with no heading left at the bottom of a page (read from the PDF's
structure tree). (The full matrix is built by `make demo` and the benchmark.)"""

from __future__ import annotations

import io
import unicodedata

import pytest
from pypdf import PdfReader
from pypdf.generic import ArrayObject, IndirectObject, NumberObject

from scarleaflets import i18n
from scarleaflets.leaflets.audit.pages import read_pages
from scarleaflets.leaflets.build import GUIDE, Selection, build
from scarleaflets.leaflets.pdf import PdfRenderer

from ..conftest import REPO, SHIPPED_TODAY

SAMPLE = [
    ("riverside", "en_GB", "choosing-a-treatment"),
    ("harbor", "es", "marks-vs-scars"),
    ("riverside", "ar", "scar-types"),
    ("harbor", "zh_Hans", "microneedling"),
    ("riverside", "hi", "prp-microneedling"),
    ("riverside", "ru", "lasers"),
    ("harbor", "vi", "subcision"),
]
LANG = {"en_GB": "en-GB", "es": "es", "ar": "ar", "zh_Hans": "zh-Hans", "hi": "hi", "ru": "ru", "vi": "vi"}
# Over 3 s each, or sharing a fixture that is: real PDFs of the shipped project, the complete guide over 40 pages.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def built(matrix_dir, leaflet_matrix):
    """The sample's leaflets, from the session's leaflet matrix (tests/leaflets/conftest.py)."""
    for brand, locale, topic in SAMPLE:
        item = leaflet_matrix[f"{brand}/{locale}/{topic}.pdf"]
        assert item.warnings == ()
        assert item.fallbacks == 0
    return matrix_dir


def _text(data: bytes) -> str:
    """The PDF's text as PDFium extracts it (it reads /ActualText, which the Hindi words need; pypdf does not),
    with white space folded."""
    text = unicodedata.normalize("NFKC", "\n".join(page.text for page in read_pages(data)))
    return " ".join(text.split())


@pytest.mark.parametrize(("brand", "locale", "topic"), SAMPLE)
def test_leaflet_pdf(built, shipped_project, shipped_content, brand, locale, topic):
    data = (built / brand / locale / f"{topic}.pdf").read_bytes()
    reader = PdfReader(io.BytesIO(data))
    translator = i18n.Translator.load(shipped_project, locale)
    title = translator.pgettext(f"{topic}/title", shipped_content.topics[topic].title.text)
    text = _text(data)
    assert len(reader.pages) >= 2
    assert title in text
    assert reader.metadata.title.startswith(title)
    root = reader.trailer["/Root"]
    assert root["/Lang"] == LANG[locale]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert reader.outline[0]["/Title"] == title
    assert translator.gettext("Key points") in text
    if locale == "en":
        assert "This translation has not yet been reviewed" not in text
    else:
        status = translator.gettext("This translation has not yet been reviewed by a medical translator.")
        assert status != "This translation has not yet been reviewed by a medical translator."
        if locale != "hi":  # text extraction reorders Devanagari vowel signs; the title check above suffices
            assert " ".join(status.split()[:3]) in text
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            if "/DescendantFonts" in font:
                font = font["/DescendantFonts"][0].get_object()
            assert any(k in font["/FontDescriptor"] for k in ("/FontFile", "/FontFile2", "/FontFile3"))


def test_the_uk_clinic_leaflet_is_in_british_english(built, shipped_content):
    text = _text((built / "riverside/en_GB/choosing-a-treatment.pdf").read_bytes())
    assert "a flat patch of colour" in text
    assert "Steroid injections" in text
    assert "color" not in text
    assert "shots" not in text
    review = shipped_content.topics["choosing-a-treatment"].review.reviewed_on
    assert f"{review.day} {review:%B %Y}" in text  # day, month, year
    assert f"{review:%B} {review.day}, {review.year}" not in text


def test_script_fonts_are_the_ones_embedded(built):
    def font_names(path):
        reader = PdfReader(path)
        return {
            str(f.get_object().get("/BaseFont"))
            for page in reader.pages
            for f in page["/Resources"]["/Font"].values()
        }

    assert any("Naskh" in n for n in font_names(built / "riverside/ar/scar-types.pdf"))
    assert any("CJK" in n or "SC" in n for n in font_names(built / "harbor/zh_Hans/microneedling.pdf"))
    assert any("Devanagari" in n for n in font_names(built / "riverside/hi/prp-microneedling.pdf"))


def _figure_alts(path) -> list[str]:
    alts: list[str] = []

    def walk(node) -> None:
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, dict):
            if node.get("/S") == "/Figure":
                alts.append(str(node.get("/Alt")))
            kids = node.get("/K")
            for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
                walk(kid)

    walk(PdfReader(path).trailer["/Root"]["/StructTreeRoot"])
    return alts


def test_figures_carry_their_translated_alt_text(built, shipped_project, shipped_content):
    translator = i18n.Translator.load(shipped_project, "ar")
    alts = _figure_alts(built / "riverside/ar/scar-types.pdf")
    assert alts[0] == "Riverside Skin Clinic"  # the logo
    topic = shipped_content.topics["scar-types"]
    expected = [translator.pgettext(f"scar-types/figure/{f.id}", f.alt.text) for f in topic.figures]
    assert expected[0] != topic.figures[0].alt.text
    assert set(expected) <= set(alts)


def test_paper_sizes_follow_the_brand(built):
    a4 = PdfReader(built / "riverside/en_GB/choosing-a-treatment.pdf").pages[0].mediabox
    letter = PdfReader(built / "harbor/es/marks-vs-scars.pdf").pages[0].mediabox
    assert (round(float(a4.width)), round(float(a4.height))) == (595, 842)
    assert (round(float(letter.width)), round(float(letter.height))) == (612, 792)


def test_rebuilding_gives_identical_bytes(built, shipped_project, tmp_path):
    result = build(
        shipped_project,
        SHIPPED_TODAY,
        Selection(brands=("riverside",), locales=("ar",), topics=("scar-types",)),
        out_dir=tmp_path,
        workers=1,
    )
    assert (tmp_path / "riverside/ar/scar-types.pdf").read_bytes() == (
        built / "riverside/ar/scar-types.pdf"
    ).read_bytes()
    assert result.built


HEADINGS = {"/H1", "/H2", "/H3", "/H4", "/H5", "/H6"}


def _stranded_headings(data: bytes) -> list[tuple[int, str]]:
    """Pages whose text ends with a heading (its paragraph went to the next page), read from the PDF's tags.

    The structure tree is walked in reading order; each marked-content id in it stands for content drawn on the
    element's page, so the last one met for a page is where that page's text ends. The running header and the
    footer are not in the tree (WeasyPrint tags page margins outside it), so they never count."""
    reader = PdfReader(io.BytesIO(data))
    page_numbers = {page.indirect_reference.idnum: number for number, page in enumerate(reader.pages, 1)}
    last_roles: dict[int, tuple[str, ...]] = {}

    def walk(element, roles: tuple[str, ...]) -> None:
        roles = (*roles, str(element["/S"]))
        kids = element.get("/K")
        for kid in kids if isinstance(kids, ArrayObject) else [kids]:
            if isinstance(kid, NumberObject):
                last_roles[page_numbers[element.raw_get("/Pg").idnum]] = roles
            elif isinstance(kid, IndirectObject) and "/S" in kid.get_object():
                walk(kid.get_object(), roles)

    for kid in reader.trailer["/Root"]["/StructTreeRoot"]["/K"]:
        walk(kid.get_object(), ())
    found = []
    for number, roles in sorted(last_roles.items()):
        heading = next((role for role in roles if role in HEADINGS), None)
        if heading is not None:
            found.append((number, heading[1:].lower()))
    return found


def test_the_check_for_stranded_headings_finds_one():
    style = "<style>@page { size: A6; margin: 10mm } p { margin: 0 } h2 { break-after: auto }</style>"
    renderer = PdfRenderer(REPO)
    documents = [
        renderer.render(
            f'<!DOCTYPE html><html lang="en"><head><title>Test</title>{style}</head><body>'
            + "<p>line</p>" * lines
            + "<h2>Heading</h2><p>after</p><p>after</p></body></html>",
            SHIPPED_TODAY,
            b"test",
        ).data
        for lines in range(40, 60)
    ]
    assert any(_stranded_headings(document) for document in documents)


@pytest.mark.parametrize(
    ("brand", "locale"), [("riverside", "en_GB"), ("riverside", "ar"), ("harbor", "zh_Hans")]
)
def test_no_heading_is_stranded_at_the_bottom_of_a_page_in_the_complete_guide(leaflet_matrix, brand, locale):
    guide = leaflet_matrix[f"{brand}/{locale}/{GUIDE}.pdf"]  # from the session's leaflet matrix
    assert guide.pages > 40
    assert _stranded_headings(guide.data) == []
