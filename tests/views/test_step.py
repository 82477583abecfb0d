"""views/step.py: a step of an email series in one language; and the one view model behind every channel: the
leaflet and the email of a topic show the same translated title and key points."""

from __future__ import annotations

import datetime as dt
import email
import html
import re
from email import policy

import pytest

from scarleaflets.config import open_project
from scarleaflets.content.series import load_series
from scarleaflets.i18n import Manifest, Translator
from scarleaflets.leaflets.render import LeafletRenderer, LeafletSource
from scarleaflets.mail.compose import EmailComposer
from scarleaflets.mail.enrollment_requests import Enrollment
from scarleaflets.release import load_all
from scarleaflets.views import step_view, topic_view

from ..conftest import REPO

NOW = dt.datetime(2026, 12, 4, 10, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def demo():
    """The repository's project: content, brands, fonts and catalogs, and its email series."""
    project = open_project(REPO)
    loaded = load_all(project, NOW.date(), {})
    return loaded, load_series(project.root, loaded.content)["acne-education"]


def test_a_step_is_translated_in_its_context_and_holds_the_views_of_its_topics(demo):
    loaded, series = demo
    translator = Translator.load(loaded.project, "ar")
    step = series.step("causes-and-prevention")
    view = step_view(loaded.content, series, step, translator)
    context = "series/acne-education/causes-and-prevention"
    for text in ("subject", "preheader", "intro"):
        english = getattr(step, text).text
        assert getattr(view, text) == translator.pgettext(context, english) != english
    assert (view.series_id, view.series_name, view.id) == (series.id, series.name, step.id)
    assert (view.day, view.number, view.total) == (7, 3, len(series.steps))
    assert view.topics == tuple(
        topic_view(loaded.content.topics[t], translator) for t in ("causes", "prevention")
    )
    assert view.attach == ("prevention",)


def _items(markup: str) -> list[str]:
    return [html.unescape(item) for item in re.findall(r"<li[^>]*>(.*?)</li>", markup, re.DOTALL)]


@pytest.mark.parametrize("locale", ["ar", "hi", "en"])
def test_the_leaflet_and_the_email_of_a_topic_say_the_same_words_from_one_view(demo, locale):
    loaded, series = demo
    project, brand = loaded.project, loaded.brands["riverside"]
    manifest = loaded.manifests.get(locale, Manifest("original", "reviewed"))
    translator = Translator.load(project, locale)
    step = series.step("welcome")
    topic = step_view(loaded.content, series, step, translator).topics[0]
    assert topic == topic_view(loaded.content.topics["marks-vs-scars"], translator)
    assert len(topic.summary) >= 3

    leaflet, _ = LeafletRenderer(project, loaded.content, loaded.fonts).render(
        LeafletSource(brand, locale, topic.id), translator, manifest
    )
    key_points = leaflet[leaflet.index('<aside class="key-points"') : leaflet.index("</aside>")]
    raw = EmailComposer(project, loaded.content).compose(
        brand=brand,
        series=series,
        step=step,
        recipient=Enrollment(
            "p1@example.org", None, locale, brand.id, series.id, "UTC", NOW.date(), NOW, "form"
        ),
        translator=translator,
        manifest=manifest,
        message_id="<1.welcome@riverside.example.org>",
        unsubscribe_url="https://u.example.org/u/x",
        now=NOW,
    )
    message = email.message_from_bytes(raw, policy=policy.default)
    email_html = message.get_body(("html",)).get_content()
    email_text = " ".join(message.get_body(("plain",)).get_content().split())

    assert _items(key_points) == _items(email_html) == list(topic.summary)
    assert all(" ".join(point.split()) in email_text for point in topic.summary)
    assert f'<h1 class="band__title">{html.escape(topic.title, quote=False)}</h1>' in leaflet
    assert re.search(rf"<h2[^>]*>{re.escape(html.escape(topic.title, quote=False))}</h2>", email_html)
    assert topic.title in message.get_body(("plain",)).get_content().splitlines()
