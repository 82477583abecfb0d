"""mail/compose.py: bodies cached per brand, step and language give exactly the message a fresh render gives, for
every patient; header values with line breaks are refused."""

from __future__ import annotations

import dataclasses
import datetime as dt
import email
from email import policy
from email.header import decode_header, make_header

import pytest
from markupsafe import escape

from scarleaflets.config import open_project
from scarleaflets.mail import Enrollment, Mailing
from scarleaflets.mail.compose import Attachment, EmailComposer, HeaderError
from scarleaflets.mail.store import Store

from ..conftest import REPO

NOW = dt.datetime(2026, 12, 4, 10, tzinfo=dt.UTC)
NAMES = [None, "Ann Lee", "Lucía <b>García</b> & co", "José Núñez-O'Brien " * 4, "王小明", "محمد علي"]


@pytest.fixture(scope="module")
def mailing():
    mailing = Mailing(open_project(REPO), Store.open("sqlite://"), b"k" * 32, NOW.date())
    yield mailing
    mailing.store.close()


def recipient(address: str, name: str | None, locale: str) -> Enrollment:
    """A riverside patient of the series: the composer reads the address, the name and the language."""
    return Enrollment(address, name, locale, "riverside", "acne-education", "UTC", NOW.date(), NOW, "form")


def _compose(composer: EmailComposer, mailing: Mailing, locale: str, step_id: str, index: int, name, url):
    series = mailing.series["acne-education"]
    return composer.compose(
        brand=mailing.brands["riverside"],
        series=series,
        step=series.step(step_id),
        recipient=recipient(f"p{index}@example.org", name, locale),
        translator=mailing.translator(locale),
        manifest=mailing.manifests[locale],
        message_id=f"<{index}.{step_id}@riverside.example.org>",
        unsubscribe_url=url,
        now=NOW,
        attachments=lambda topic: Attachment(f"{topic}.pdf", b"%PDF-1.7 " + topic.encode() * 40),
    )


@pytest.mark.parametrize("locale", ["en", "ar", "hi"])
@pytest.mark.parametrize("step_id", ["welcome", "scar-types"])
def test_a_warm_cache_gives_the_bytes_a_fresh_render_gives(mailing, locale, step_id):
    warm = EmailComposer(mailing.project, mailing.content)
    _compose(warm, mailing, locale, step_id, 99, "Warm Up", "https://u.example.org/u/warm")
    _compose(warm, mailing, locale, step_id, 98, None, "https://u.example.org/u/warm2")
    for index, name in enumerate(NAMES):
        url = "https://u.example.org/u/v1." + "t" * (index * 23)  # long enough to need soft line breaks
        fresh = EmailComposer(mailing.project, mailing.content)
        expected = _compose(fresh, mailing, locale, step_id, index, name, url)
        assert _compose(warm, mailing, locale, step_id, index, name, url) == expected
        message = email.message_from_bytes(expected, policy=policy.default)
        text = message.get_body(("plain",)).get_content()
        html = message.get_body(("html",)).get_content()
        assert url in text
        assert url in html
        if name:
            assert name in text
            # Decoded as RFC 2047 says (white space between adjacent encoded words is dropped). The standard
            # library's newer address parser inserts a space there instead, even in what it writes itself.
            raw_to = email.message_from_bytes(expected, policy=policy.compat32)["To"]
            assert str(make_header(decode_header(raw_to))) == f"{name} <p{index}@example.org>"
            assert str(escape(name)) in html  # escaped in HTML
            assert name not in html or name == str(escape(name))


@pytest.mark.parametrize(
    ("name", "url", "what"),
    [
        ("Ann\r\nBcc: victim@example.org", "https://u.example.org/u/x", "name"),
        ("Ann", "https://u.example.org/u/x\r\nBcc: victim@example.org", "unsubscribe URL"),
    ],
)
def test_a_line_break_in_a_header_value_is_refused(mailing, name, url, what):
    composer = EmailComposer(mailing.project, mailing.content)
    with pytest.raises(HeaderError, match=what):
        _compose(composer, mailing, "en", "welcome", 1, name, url)


def test_threads_sharing_composers_each_get_their_patients_language(mailing):
    """8 threads, 4 languages, composers with cold caches shared by all threads: every message is byte for
    byte the one composed alone, in its patient's language."""
    from concurrent.futures import ThreadPoolExecutor

    languages = ("fr", "de", "ar", "ru")
    steps = [step.id for step in mailing.series["acne-education"].steps]
    jobs = [(locale, step_id) for locale in languages for step_id in steps]
    alone = EmailComposer(mailing.project, mailing.content)
    url = "https://u.example.org/u/v1.token"
    expected = {job: _compose(alone, mailing, *job, 1, "Ann Lee", url) for job in jobs}
    composers = [EmailComposer(mailing.project, mailing.content) for _ in range(12)]

    def wrong(index: int) -> bool:
        composer = composers[index // len(jobs)]  # each composer's bodies are first rendered concurrently
        locale, step_id = jobs[index % len(jobs)]
        return _compose(composer, mailing, locale, step_id, 1, "Ann Lee", url) != expected[(locale, step_id)]

    with ThreadPoolExecutor(max_workers=8) as pool:
        wrong_messages = sum(pool.map(wrong, range(len(composers) * len(jobs))))
    assert wrong_messages == 0


# Every email of the demo series links to its leaflet page, the booking page, the website and the phone, shows
# the clinic's logo inline, and attaches nothing (issue 13, items 5 and 6).
LINKED = [("riverside", "en"), ("riverside", "ar"), ("harbor", "zh_Hans")]
DIALLED = {"riverside": "tel:+442079460958", "harbor": "tel:+15550142"}  # "+44 20 7946 0958", "+1 555 0142"


def _parts(raw: bytes):
    message = email.message_from_bytes(raw, policy=policy.default)
    html = message.get_body(("html",))
    text = message.get_body(("plain",)).get_content()
    return message, html, text


@pytest.mark.parametrize(("brand_id", "locale"), LINKED)
def test_every_email_links_its_leaflet_booking_and_phone_and_shows_the_logo(mailing, brand_id, locale):
    brand = mailing.brands[brand_id]
    series = mailing.series["acne-education"]
    dialled = DIALLED[brand_id]
    for step in series.steps:
        raw = mailing.preview_email(brand_id, locale, series.id, step.id, NOW)
        message, html_part, text = _parts(raw)
        html = html_part.get_content()
        where = f"{brand_id}/{locale}/{step.id}"
        page = f"https://leaflets.example.org/leaflets/{brand_id}/{locale}/{step.topic}"
        assert f'href="{page}"' in html, where
        assert page in text, where
        assert f'href="{escape(brand.booking_url)}"' in html, where
        assert brand.booking_url in text, where
        assert f'href="{brand.website}"' in html, where
        assert f'href="{dialled}"' in html, where
        # The logo: a PNG part of the HTML's multipart/related, referenced by its Content-ID.
        assert message.get_content_type() == "multipart/alternative", where  # nothing attached
        assert not list(message.iter_attachments()), where
        (related,) = [part for part in message.walk() if part.get_content_type() == "multipart/related"]
        (logo,) = [part for part in related.iter_parts() if part.get_content_type() == "image/png"]
        assert logo.get_content().startswith(b"\x89PNG\r\n\x1a\n"), where
        assert logo["Content-Disposition"].startswith("inline"), where
        cid = logo["Content-ID"].strip("<>")
        assert f'<img src="cid:{cid}" alt="{escape(brand.name)}"' in html, where


def test_right_to_left_emails_isolate_phone_numbers_and_addresses(mailing):
    """In Arabic the phone, the web addresses and each postal line keep their left-to-right order: isolated
    with <bdi dir="ltr"> in HTML and between U+2066 and U+2069 in text; a left-to-right email has no marks."""
    brand = mailing.brands["riverside"]
    _, html_part, text = _parts(mailing.preview_email("riverside", "ar", "acne-education", "welcome", NOW))
    html = html_part.get_content()
    assert '<bdi dir="ltr"' in html
    assert f">{brand.phone}</bdi></a>" in html
    for line in brand.email.postal_address:
        assert f">{escape(line)}</bdi>" in html
        assert f"\u2066{line}\u2069" in text
    assert f"\u2066{brand.phone}\u2069" in text
    assert f"\u2066{brand.booking_url}\u2069" in text
    assert "\u2066https://leaflets.example.org/leaflets/riverside/ar/marks-vs-scars\u2069" in text
    _, _, english = _parts(mailing.preview_email("riverside", "en", "acne-education", "welcome", NOW))
    assert "\u2066" not in english
    assert "\u2069" not in english


def test_dark_mode_headings_and_links_take_the_brand_colour_made_readable(mailing):
    """Harbor's navy and Riverside's teal each give their own dark-mode colour, at least 4.5:1 on the dark
    background; no fixed colour is used."""
    from scarleaflets.mail.compose import DARK_BACKGROUND
    from scarleaflets.views.colour import contrast

    found = {}
    for brand_id, locale in (("riverside", "en"), ("harbor", "en")):
        _, html_part, _ = _parts(mailing.preview_email(brand_id, locale, "acne-education", "welcome", NOW))
        dark = html_part.get_content().split("prefers-color-scheme: dark", 1)[1]
        heading = dark.split(".content h2 { color: ", 1)[1][:7]
        assert contrast(heading, DARK_BACKGROUND) >= 4.5, brand_id
        assert f".footer a {{ color: {heading} !important; }}" in dark
        found[brand_id] = heading
    assert found["riverside"] != found["harbor"]
    assert "#9fd3cf" not in found.values()


def test_a_step_that_asks_for_its_leaflet_gets_it_attached_beside_the_links(mailing):
    """`attach` still works: the PDF goes in multipart/mixed, the text and the related HTML with the logo stay
    an alternative, and the email still links to the leaflet page."""
    shipped = mailing.series["acne-education"]
    step = dataclasses.replace(shipped.step("lasers"), attach=("lasers",))
    series = dataclasses.replace(shipped, steps=tuple(step if s.id == step.id else s for s in shipped.steps))
    raw = EmailComposer(mailing.project, mailing.content).compose(
        brand=mailing.brands["harbor"],
        series=series,
        step=step,
        recipient=recipient("p@example.org", None, "en"),
        translator=mailing.translator("en"),
        manifest=mailing.manifests["en"],
        message_id="<1.lasers@harbor.example.com>",
        unsubscribe_url="https://u.example.org/u/x",
        now=NOW,
        attachments=lambda topic: Attachment(f"{topic}.pdf", b"%PDF-1.7 " + topic.encode() * 40),
        logo=mailing.logo(mailing.brands["harbor"]),
    )
    message, _, text = _parts(raw)
    assert [part.get_content_type() for part in message.walk()] == [
        "multipart/mixed",
        "multipart/alternative",
        "text/plain",
        "multipart/related",
        "text/html",
        "image/png",
        "application/pdf",
    ]
    (pdf,) = message.iter_attachments()
    assert pdf.get_filename() == "lasers.pdf"
    assert "https://leaflets.example.org/leaflets/harbor/en/lasers" in text
    assert "attached as a PDF" in text
