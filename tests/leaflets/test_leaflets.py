"""The shipped project's leaflets, built for a representative sample of brands, locales and scripts, and
inspected as real PDFs: pages, searchable translated text, metadata title and language, tags, bookmarks,
embedded fonts, the translation status in the leaflet's own language, and byte-for-byte determinism; and the
complete guide's layout in three scripts, with no heading left at the bottom of a page.
(The full matrix is built by `make demo` and the benchmark.)"""

from __future__ import annotations

import datetime as dt
import io
import unicodedata

import pytest
from pypdf import PdfReader

from scarleaflets import i18n
from scarleaflets.config import open_project
from scarleaflets.leaflets.build import Selection, build

from ..conftest import REPO

PROJECT = open_project(REPO)
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


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("leaflets")
    for brand, locale, topic in SAMPLE:
        result = build(
            PROJECT,
            dt.date.today(),
            Selection(brands=(brand,), locales=(locale,), topics=(topic,)),
            out_dir=out,
            workers=1,
        )
        assert result.ok, [r.error for r in result.failed]
        assert len(result.built) == 1
        assert result.built[0].warnings == ()
        assert result.built[0].fallbacks == 0
    return out


def _text(reader: PdfReader) -> str:
    """The PDF's text, with white space folded (extraction splits some words at glyph clusters)."""
    text = unicodedata.normalize("NFKC", "\n".join(page.extract_text() for page in reader.pages))
    return " ".join(text.split())


@pytest.mark.parametrize(("brand", "locale", "topic"), SAMPLE)
def test_leaflet_pdf(built, brand, locale, topic):
    data = (built / brand / locale / f"{topic}.pdf").read_bytes()
    reader = PdfReader(io.BytesIO(data))
    translator = i18n.Translator.load(PROJECT, locale)
    title = translator.pgettext(f"{topic}/title", PROJECT_CONTENT_TITLES[topic])
    text = _text(reader)
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


def test_the_uk_clinic_leaflet_is_in_british_english(built):
    text = _text(PdfReader(built / "riverside/en_GB/choosing-a-treatment.pdf"))
    assert "a flat patch of colour" in text
    assert "Steroid injections" in text
    assert "color" not in text
    assert "shots" not in text
    review = next(t for t in CONTENT if t.id == "choosing-a-treatment").review.reviewed_on
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


def test_figures_carry_their_translated_alt_text(built):
    translator = i18n.Translator.load(PROJECT, "ar")
    alts = _figure_alts(built / "riverside/ar/scar-types.pdf")
    assert alts[0] == "Riverside Skin Clinic"  # the logo
    topic = next(t for t in CONTENT if t.id == "scar-types")
    expected = [translator.pgettext(f"scar-types/figure/{f.id}", f.alt.text) for f in topic.figures]
    assert expected[0] != topic.figures[0].alt.text
    assert set(expected) <= set(alts)


def test_paper_sizes_follow_the_brand(built):
    a4 = PdfReader(built / "riverside/en_GB/choosing-a-treatment.pdf").pages[0].mediabox
    letter = PdfReader(built / "harbor/es/marks-vs-scars.pdf").pages[0].mediabox
    assert (round(float(a4.width)), round(float(a4.height))) == (595, 842)
    assert (round(float(letter.width)), round(float(letter.height))) == (612, 792)


def test_rebuilding_gives_identical_bytes(built, tmp_path):
    result = build(
        PROJECT,
        dt.date.today(),
        Selection(brands=("riverside",), locales=("ar",), topics=("scar-types",)),
        out_dir=tmp_path,
        workers=1,
    )
    assert (tmp_path / "riverside/ar/scar-types.pdf").read_bytes() == (
        built / "riverside/ar/scar-types.pdf"
    ).read_bytes()
    assert result.built


from scarleaflets.content import load_content  # noqa: E402

CONTENT = load_content(REPO, dt.date.today())
PROJECT_CONTENT_TITLES = {t.id: t.title.text for t in CONTENT}


def _stranded_headings(document) -> list[tuple[int, str]]:
    """Pages whose main text ends with a heading line (its paragraph went to the next page)."""
    from weasyprint.formatting_structure import boxes

    found = []
    for number, page in enumerate(document.pages, 1):
        last = None

        def walk(box) -> None:
            nonlocal last
            if isinstance(box, boxes.MarginBox):  # running header and page footer
                return
            if isinstance(box, boxes.LineBox):
                last = box
                return
            for child in getattr(box, "children", ()):
                walk(child)

        walk(page._page_box)
        if last is not None and last.element_tag in {"h1", "h2", "h3", "h4"}:
            found.append((number, last.element_tag))
    return found


def test_the_check_for_stranded_headings_finds_one():
    from weasyprint import HTML

    style = "<style>@page { size: A6; margin: 10mm } p { margin: 0 } h2 { break-after: auto }</style>"
    documents = [
        HTML(string=style + "<p>line</p>" * lines + "<h2>Heading</h2><p>after</p><p>after</p>").render()
        for lines in range(40, 60)
    ]
    assert any(_stranded_headings(document) for document in documents)


@pytest.mark.parametrize(
    ("brand", "locale"), [("riverside", "en_GB"), ("riverside", "ar"), ("harbor", "zh_Hans")]
)
def test_no_heading_is_stranded_at_the_bottom_of_a_page_in_the_complete_guide(brand, locale):
    from weasyprint import HTML

    from scarleaflets.leaflets.build import load_all
    from scarleaflets.leaflets.pdf import PdfRenderer, RestrictedFetcher
    from scarleaflets.leaflets.render import LeafletRenderer, LeafletSource

    loaded = load_all(PROJECT, dt.date.today(), {})
    renderer = LeafletRenderer(PROJECT, loaded.content, loaded.fonts)
    html, _ = renderer.render(
        LeafletSource(loaded.brands[brand], locale, None),
        i18n.Translator.load(PROJECT, locale),
        loaded.manifests[locale],
    )
    pdf = PdfRenderer(REPO)
    document = HTML(
        string=html, base_url=REPO.as_uri() + "/", url_fetcher=RestrictedFetcher(pdf.roots)
    ).render(font_config=pdf.font_config)
    assert len(document.pages) > 40
    assert _stranded_headings(document) == []
