"""render.py and css.py: escaped translations, CSS strings that cannot break out, brand overrides (autoescaping
is tested with the environment, in tests/views/test_templating.py)."""

from __future__ import annotations

import datetime as dt

from babel.messages.catalog import Catalog

from scarleaflets.brands import load_brands
from scarleaflets.content import load_content
from scarleaflets.i18n import Manifest, Translator
from scarleaflets.leaflets.css import css_string
from scarleaflets.leaflets.fonts import load_fonts
from scarleaflets.leaflets.render import LeafletRenderer, LeafletSource, page_counter_css

TODAY = dt.date(2026, 6, 1)


def _renderer(project):
    content = load_content(project.root, TODAY)
    brands = load_brands(project.root, ["es"])
    return LeafletRenderer(project, content, load_fonts(project)), brands["mini"]


def test_css_string_cannot_close_the_style_element():
    assert css_string('a"b\\c') == '"a\\22 b\\5c c"'
    assert "</style>" not in css_string("</style><script>")
    assert css_string("line\nbreak") == '"line\\a break"'


def test_page_counter_css_keeps_the_translated_words():
    assert page_counter_css("Page %(page)s of %(pages)s") == '"Page " counter(page) " of " counter(pages)'
    assert (
        page_counter_css("第%(page)s页，共%(pages)s页") == '"第" counter(page) "页，共" counter(pages) "页"'
    )
    assert page_counter_css("%(pages)s में से पृष्ठ %(page)s").startswith("counter(pages)")


def test_tampered_translations_stay_text_in_the_html(leaflet_project):
    """Even a catalog that skipped the quality gate cannot add markup or load a file."""
    renderer, brand = _renderer(leaflet_project)
    catalog = Catalog(locale="es")
    catalog.add("A sample topic", '<img src="file:///etc/passwd">Tema', context="sample/title")
    catalog.add("Key points", "<script>alert(1)</script>")
    catalog.add(
        "Page %(page)s of %(pages)s", 'P %(page)s"; } body { background: url(file:///etc/passwd) } x { a:"'
    )
    html, _ = renderer.render(
        LeafletSource(brand, "es", "sample"), Translator("es", catalog), Manifest("x", "draft")
    )
    assert '<img src="file:///etc/passwd">' not in html
    assert "&lt;img src=&#34;file:///etc/passwd&#34;&gt;Tema" in html
    assert "<script>alert(1)</script>" not in html
    assert "url(file:///etc/passwd)" in html  # present only inside a CSS string, as text:
    assert '"P " counter(page) "\\22 ; } body { background: url(file:///etc/passwd) } x { a:\\22 "' in html


def test_a_brand_can_override_a_template(leaflet_project):
    override = leaflet_project.templates_dir / "brands" / "mini" / "leaflet"
    override.mkdir(parents=True)
    (override / "_contact.html.j2").write_text("<p class='custom'>{{ brand.name }} custom contact</p>")
    renderer, brand = _renderer(leaflet_project)
    html, _ = renderer.render(
        LeafletSource(brand, "en", "sample"), Translator("en", None), Manifest("x", "reviewed")
    )
    assert "Mini Clinic custom contact" in html


def test_rtl_locale_gets_dir_and_mirrored_layout(leaflet_project):
    renderer, brand = _renderer(leaflet_project)
    html, _ = renderer.render(
        LeafletSource(brand, "ar", "sample"), Translator("ar", Catalog(locale="ar")), Manifest("x", "draft")
    )
    assert '<html lang="ar" dir="rtl">' in html
    assert '@top-right {\n    content: "Mini Clinic"' in html
    assert "padding-right: 6mm" in html


def test_a_tampered_translation_cannot_embed_a_local_file_in_the_pdf(leaflet_project):
    """End to end: the catalog tries to pull a file into the leaflet; the PDF shows the attempt as text and
    contains nothing of the file."""
    import io

    from pypdf import PdfReader

    from scarleaflets.leaflets.pdf import PdfRenderer

    secret = leaflet_project.root.parent / "patients.txt"
    secret.write_text("CONFIDENTIAL-PATIENT-LIST")
    renderer, brand = _renderer(leaflet_project)
    catalog = Catalog(locale="es")
    attack = f'<img src="{secret.as_uri()}"><object data="{secret.as_uri()}"></object>'
    catalog.add("A short paragraph.", attack, context="sample/intro")
    catalog.add("Key points", f'Puntos") }} @import url("{secret.as_uri()}"); x {{ a: ("')
    html, when = renderer.render(
        LeafletSource(brand, "es", "sample"), Translator("es", catalog), Manifest("x", "draft")
    )
    pdf = PdfRenderer(leaflet_project.root).render(html, when, b"tamper")
    data = pdf.data
    # Compare with white space and hyphenation points removed: the temporary path differs on every machine, so
    # it wraps (and Spanish hyphenation breaks "patients" with U+2010) at a different place each time.
    raw = "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    text = "".join(raw.replace("\u2010", "").replace("\u00ad", "").split())
    assert "CONFIDENTIAL-PATIENT-LIST" not in text
    assert b"CONFIDENTIAL" not in data
    assert "".join(f'<img src="{secret.as_uri()}">'.split()) in text
