"""web/leaflet_pages.py: the public leaflet pages, through Flask's test client, over a real release of the shipped
project (stand-in PDFs) and, for previews, over the working tree."""

from __future__ import annotations

import dataclasses
import datetime as dt
import email
import email.policy
import logging
import re

import pytest
from markupsafe import escape

from scarleaflets.config import open_project
from scarleaflets.content.blocks import BLOCKS
from scarleaflets.i18n import extract_project, update_locales, write_template
from scarleaflets.i18n.locales import LocaleInfo
from scarleaflets.mail import Mailing
from scarleaflets.mail.store import Store
from scarleaflets.releases import load_release, releases_dir
from scarleaflets.releases.layout import use_release
from scarleaflets.views import topic_view
from scarleaflets.views.topic import ApprovalView
from scarleaflets.web import create_app
from scarleaflets.web.leaflet_pages import GUIDE, contrast_with_white, readable_on_white

from ..conftest import REPO, release_project

NOW = dt.datetime(2026, 12, 1, 10, tzinfo=dt.UTC)
# Each demo clinic in its English and in a language of the other direction or script.
PAIRS = [("riverside", "en_GB"), ("riverside", "ar"), ("harbor", "en"), ("harbor", "zh_Hans")]


@pytest.fixture(scope="module")
def released(shipped_releases):
    """The mail service over release 1 of the shipped project, as `serve` opens it."""
    project = open_project(REPO)
    project = dataclasses.replace(
        project, settings=dataclasses.replace(project.settings, release_dir=str(shipped_releases))
    )
    mailing = Mailing(project, Store.open("sqlite://"), b"k" * 32, source=load_release(project))
    yield mailing
    mailing.store.close()


@pytest.fixture(scope="module")
def client(released):
    return create_app(released, clock=lambda: NOW).test_client()


def _html(response) -> str:
    assert response.status_code == 200, response.request.path
    assert response.content_type == "text/html; charset=utf-8"
    return response.get_data(as_text=True)


def _published(mailing, brand_id):
    return [code for code in mailing.brands[brand_id].locales if code in mailing.published]


def _has(html: str, text: str) -> bool:
    return str(escape(text)) in html


@pytest.mark.slow  # the shipped project's release (once per session) and 60 pages
@pytest.mark.parametrize(("brand_id", "locale"), PAIRS)
def test_every_leaflet_of_both_clinics_is_a_page_in_its_language(client, released, brand_id, locale):
    content = released.edition(locale).content
    translator = released.translator(locale)
    details = released.brands[brand_id].clinic_details(locale)
    info = LocaleInfo(locale)
    languages = _published(released, brand_id)
    assert len(languages) > 2
    for document in [*content.topics, GUIDE]:
        response = client.get(f"/leaflets/{brand_id}/{locale}/{document}")
        html = _html(response)
        assert f'<html lang="{info.language_tag}" dir="{info.direction}">' in html
        assert response.headers["Cache-Control"] == "public, max-age=600"
        for code in languages:
            tag = LocaleInfo(code).language_tag
            href = f"/leaflets/{brand_id}/{code}/{document}"
            assert f'<link rel="alternate" hreflang="{tag}" href="http://localhost{href}">' in html
            assert re.search(rf'<a href="{href}" hreflang="{tag}" lang="{tag}"[ >]', html), (code, document)
        default = released.brands[brand_id].default_locale
        assert (
            f'hreflang="x-default" href="http://localhost/leaflets/{brand_id}/{default}/{document}"' in html
        )
        assert f'href="{document}.pdf" type="application/pdf"' in html
        # riverside releases each leaflet in large print too (its brand file's `large_print: true`); harbor not
        large_print = f'href="{document}-large-print.pdf" type="application/pdf"'
        assert (large_print in html) == (brand_id == "riverside"), document
        assert html.count("<h1") == 1
        assert "<script" not in html
        if document == GUIDE:
            continue
        view = topic_view(content.topics[document], translator, details)
        assert _has(html, view.title)
        for text in [*view.summary, *view.questions, *(s.heading for s in view.sections)]:
            assert _has(html, text), (document, text)
        for source in view.sources:
            assert f'<a href="{escape(source.link)}">' in html
        assert _has(html, view.next_review_due)


@pytest.mark.slow  # the shipped project's release (once per session)
def test_every_kind_of_block_and_the_figures_from_the_release(client, released):
    html = _html(client.get("/leaflets/riverside/ar/marks-vs-scars"))
    topic = topic_view(released.content.topics["marks-vs-scars"], released.translator("ar"))
    kinds = {block.kind for section in topic.sections for block in section.blocks}
    assert kinds == set(BLOCKS.names)  # this topic shows every kind, so the page must too
    assert "<table>" in html
    assert 'class="callout callout--' in html
    figures = re.findall(r'<img src="(content/figures/[^"]+)" alt="([^"]+)">', html)
    assert figures
    for src, alt in figures:
        assert alt.strip()
        with client.get(f"/leaflets/riverside/ar/{src}") as served:  # closes the file it streams
            assert served.status_code == 200
            assert served.mimetype == "image/svg+xml"
            assert served.data == (REPO / src).read_bytes()  # the release's copy of content/figures
            assert served.headers["Cache-Control"] == "public, max-age=3600"
    for path in ("content/brands/riverside.yaml", "content/figures/nope.svg", "content/../release.json"):
        assert client.get(f"/leaflets/riverside/ar/{path}").status_code == 404
    # the figure's labelled layers, translated, each at the middle of its band (a class: no style attribute)
    layers = [
        layer for s in topic.sections for b in s.blocks if b.kind == "figure" for layer in b.figure.layers
    ]
    assert layers
    for layer in layers:
        assert f'<span class="figure__label at-{round(layer.middle)}">{layer.label}</span>' in html
    assert "style=" not in html


@pytest.mark.slow  # the shipped project's release (once per session)
def test_the_pdf_is_the_released_file(client, released, shipped_releases):
    with client.get("/leaflets/riverside/ar/scar-types.pdf") as response:  # closes the file it streams
        assert response.status_code == 200
        assert response.mimetype == "application/pdf"
        released_pdf = shipped_releases / "1" / "leaflets/riverside/ar/scar-types.pdf"
        assert response.data == released_pdf.read_bytes()
        assert response.headers["Cache-Control"] == "public, max-age=3600"
        etag = response.headers["ETag"]
    with client.get("/leaflets/riverside/ar/scar-types.pdf", headers={"If-None-Match": etag}) as again:
        assert again.status_code == 304
    with client.get(f"/leaflets/harbor/zh_Hans/{GUIDE}.pdf") as guide:
        assert guide.mimetype == "application/pdf"


@pytest.mark.slow  # the shipped project's release (once per session)
def test_the_large_print_edition_is_served_beside_the_pdf_where_the_clinic_releases_it(
    client, released, shipped_releases
):
    for document in ("scar-types", GUIDE):
        path = f"/leaflets/riverside/ar/{document}-large-print.pdf"
        with client.get(path) as response:  # closes the file it streams
            assert response.status_code == 200
            assert response.mimetype == "application/pdf"
            released_pdf = shipped_releases / "1" / f"leaflets/riverside/ar/{document}-large-print.pdf"
            assert response.data == released_pdf.read_bytes()
            assert response.headers["Cache-Control"] == "public, max-age=3600"
    label = released.translator("ar").gettext("Large print (PDF)")
    assert label != "Large print (PDF)"  # translated
    html = _html(client.get("/leaflets/riverside/ar/scar-types"))
    link = f'<a class="download__large" href="scar-types-large-print.pdf" type="application/pdf">{label}</a>'
    assert html.count(link) == 2  # beside each of the page's two download buttons
    assert "large-print" not in _html(client.get("/leaflets/harbor/en/scar-types"))


NOT_FOUND = [
    "/leaflets/nobody/en/scar-types",  # unknown clinic
    "/leaflets/riverside/xx/scar-types",  # unknown language
    "/leaflets/riverside/zh_Hans/scar-types",  # a published language this clinic does not offer
    "/leaflets/harbor/ar/scar-types",
    "/leaflets/riverside/ar/no-such-topic",
    "/leaflets/riverside/ar/no-such-topic.pdf",
    "/leaflets/harbor/xx/scar-types.pdf",
    "/leaflets/harbor/en/scar-types-large-print.pdf",  # a clinic without large print
    "/leaflets/riverside/ar/no-such-topic-large-print.pdf",
    "/leaflets/nobody/en/",
    "/leaflets/harbor/ar/",
    "/leaflets/nobody/",
]


CODES = {"ar": "ar", "zh_Hans": "zh-Hans", "en": "en"}
NOT_FOUND_TITLE = {
    "ar": "لم يتم العثور على هذه الصفحة.",
    "zh-Hans": "找不到此页面。",
    "de": "Diese Seite wurde nicht gefunden.",
    "en": "This page was not found.",
}


@pytest.mark.slow  # the shipped project's release (once per session)
@pytest.mark.parametrize("path", NOT_FOUND)
def test_what_is_not_published_is_a_translated_404_page(client, path):
    response = client.get(path, headers={"Accept-Language": "de"})
    assert response.status_code == 404
    assert response.content_type == "text/html; charset=utf-8"
    assert response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    assert "Traceback" not in html
    # In the language asked for when it is published, else the browser's (German here).
    lang = next((tag for code, tag in CODES.items() if f"/{code}/" in path), "de")
    assert f'<html lang="{lang}"' in html
    assert NOT_FOUND_TITLE[lang] in html


@pytest.mark.slow  # the shipped project's release (once per session)
def test_the_list_of_a_clinics_leaflets_and_the_language_redirect(client, released):
    html = _html(client.get("/leaflets/harbor/zh_Hans/"))
    for topic_id in released.edition("zh_Hans").content.topics:
        assert f'<a href="{topic_id}">' in html
    assert f'<a href="{GUIDE}">' in html
    assert "全部宣传单" in html
    chosen = client.get("/leaflets/riverside/", headers={"Accept-Language": "ar, en;q=0.5"})
    assert chosen.status_code == 302
    assert chosen.headers["Location"].endswith("/leaflets/riverside/ar/")
    fallback = client.get("/leaflets/harbor/", headers={"Accept-Language": "ja"})
    assert fallback.headers["Location"].endswith("/leaflets/harbor/en/")


@pytest.mark.slow  # the shipped project's release (once per session)
def test_the_content_security_policy_allows_only_this_sites_images_on_leaflet_pages(client):
    page = client.get("/leaflets/riverside/en_GB/marks-vs-scars")
    policy = page.headers["Content-Security-Policy"]
    assert "img-src 'self' data:;" in policy
    assert "script-src" not in policy
    assert "default-src 'none'" in policy
    nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
    html = page.get_data(as_text=True)
    assert re.findall(r"<style[^>]*>", html) == [f'<style nonce="{nonce}">']
    assert "style=" not in html
    assert "img-src data:;" in client.get("/healthz").headers["Content-Security-Policy"]


@pytest.mark.slow  # the shipped project's release (once per session)
def test_the_arabic_contact_details_are_isolated_left_to_right(client):
    html = _html(client.get("/leaflets/riverside/ar/scar-types"))
    assert (
        '<a class="contact__phone" href="tel:+442079460958"><bdi dir="ltr">+44 20 7946 0958</bdi></a>' in html
    )
    assert '<bdi dir="ltr">https://riverside.example.org</bdi>' in html
    assert "<bdi>14 Willow Lane</bdi>" in html
    assert "لم يراجع مترجم طبي هذه الترجمة بعد." in html  # the translation's draft note, as on the leaflet
    english = _html(client.get("/leaflets/riverside/en_GB/scar-types"))
    assert "not yet been reviewed by a medical translator" not in english


@pytest.mark.slow  # the shipped project's release (once per session)
def test_draft_and_approved_topics_are_marked_as_the_leaflet_marks_them(client, released):
    draft = _html(client.get("/leaflets/harbor/en/scar-types"))
    assert draft.count("DRAFT — not yet approved by a clinician") == 2  # the banner and the sources' line
    assert '<meta name="robots" content="noindex">' in draft
    app = client.application
    topic = topic_view(released.content.topics["scar-types"], released.translator("en"))
    approved = dataclasses.replace(
        topic, draft=False, approval=ApprovalView("Dr A. Example", "dermatologist", "1 December 2026")
    )
    with app.test_request_context("/leaflets/harbor/en/scar-types"):
        app.preprocess_request()
        from scarleaflets.web.leaflet_pages import _leaflet_page

        html = _leaflet_page(
            "web/leaflet.html.j2", "harbor", "en", "scar-types", topic=approved, title=approved.title
        ).get_data(as_text=True)
    assert "DRAFT" not in html
    assert "Approved by Dr A. Example (dermatologist) on 1 December 2026." in html
    assert "noindex" not in html


@pytest.mark.slow  # over 3 s: the working tree is read and gated
def test_a_preview_of_the_working_tree_says_so_and_links_no_pdf():
    mailing = Mailing(open_project(REPO), Store.open("sqlite://"), b"k" * 32, NOW.date())
    client = create_app(mailing, clock=lambda: NOW).test_client()
    html = _html(client.get("/leaflets/riverside/en_GB/scar-types"))
    assert "Preview — not a released leaflet" in html
    assert ".pdf" not in html
    assert client.get("/leaflets/riverside/en_GB/scar-types.pdf").status_code == 404
    with client.get("/leaflets/riverside/en_GB/content/figures/mark-vs-scar.svg") as figure:
        assert figure.status_code == 200
    mailing.store.close()


@pytest.mark.parametrize(
    ("colour", "kept"),
    [("#1f5f5b", True), ("#23395d", True), ("#767676", True), ("#f3e9a0", False), ("#e9a23b", False)],
)
def test_a_brand_colour_too_pale_for_text_on_white_is_replaced(colour, kept):
    assert (readable_on_white(colour) == colour) is kept
    assert (contrast_with_white(colour) >= 4.5) is kept


def test_contrast_with_white_is_wcags_ratio():
    assert contrast_with_white("#000000") == pytest.approx(21.0)
    assert contrast_with_white("#ffffff") == pytest.approx(1.0)


@pytest.mark.slow  # the shipped project's release (once per session)
@pytest.mark.parametrize(("brand_id", "locale"), PAIRS)
def test_every_emails_leaflet_link_opens_its_page(client, released, brand_id, locale):
    """Each email of the series links the leaflet page of its topic: the link the composer writes is a page this
    service serves, in the patient's language (the email and the pages were built apart, on one URL scheme)."""
    public = released.project.settings.public_url
    series = released.edition(locale).series["acne-education"]
    for step in series.steps:
        raw = released.preview_email(brand_id, locale, series.id, step.id, NOW)
        message = email.message_from_bytes(raw, policy=email.policy.default)
        html = message.get_body(("html",)).get_content()
        (topic,) = step.topics
        link = f"{public}leaflets/{brand_id}/{locale}/{topic}"
        assert f'href="{link}"' in html, step.id
        page = client.get("/" + link.removeprefix(public))
        assert page.status_code == 200, link
        assert f'lang="{LocaleInfo(locale).language_tag}"' in _html(page)


def test_the_service_follows_a_new_release_and_a_rollback_without_a_restart(mail_project, caplog):
    """Staff release an edit while `serve` runs: the next request shows it (the worker sends from it from its
    next pass, so an email never links to a page the service lacks); `releases use 1` takes it back; a current
    release that cannot be read is logged once and the service stays where it is."""
    project = mail_project
    mailing = Mailing(project, Store.open("sqlite://"), b"k" * 32, source=load_release(project))
    client = create_app(mailing, clock=lambda: NOW).test_client()
    page = "/leaflets/mini/en/sample"
    assert "A short paragraph." in _html(client.get(page))

    topic = project.root / "content" / "topics" / "sample.yaml"
    topic.write_text(topic.read_text().replace("A short paragraph.", "A paragraph of release two."))
    now = dt.datetime(2026, 6, 2, tzinfo=dt.UTC)
    write_template(project, extract_project(project, now))
    update_locales(project, ["es"])
    release_project(project.root, stand_in_pdfs=True, now=now)
    html = _html(client.get(page))
    assert "A paragraph of release two." in html
    assert "A short paragraph." not in html
    with client.get("/leaflets/mini/en/sample.pdf") as pdf:
        assert pdf.status_code == 200

    use_release(releases_dir(project), 1)
    assert "A short paragraph." in _html(client.get(page))

    (releases_dir(project) / "CURRENT").write_text("7\n")
    with caplog.at_level(logging.ERROR, logger="scarleaflets"):
        for _ in range(3):
            assert "A short paragraph." in _html(client.get(page))
    unreadable = [
        record for record in caplog.records if "release 7 is current but cannot be read" in record.message
    ]
    assert len(unreadable) == 1
    assert "still serving release 1" in unreadable[0].message
    mailing.store.close()
