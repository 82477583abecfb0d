"""mail/compose.py: bodies cached per brand, step and language give exactly the message a fresh render gives, for
every patient; header values with line breaks are refused."""

from __future__ import annotations

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
