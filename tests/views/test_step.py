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
    step = series.step("causes")
    view = step_view(loaded.content, series, step, translator)
    context = "series/acne-education/causes"
    for text in ("subject", "preheader", "intro"):
        english = getattr(step, text).text
        assert getattr(view, text) == translator.pgettext(context, english) != english
    assert (view.series_id, view.series_name, view.id) == (series.id, series.name, step.id)
    assert (view.day, view.number, view.total) == (5, 3, len(series.steps))
    assert view.topics == (topic_view(loaded.content.topics["causes"], translator),)
    assert view.topic is view.topics[0]
    assert view.points == view.topic.summary  # the key points, under the template's "Key points"
    assert view.heading == ""
    assert view.attach == ()


def test_a_step_may_show_one_section_list_under_its_own_heading(demo):
    """The questions step lists the topic's questions about a treatment, not its key points, under a heading
    that says so, both translated."""
    loaded, series = demo
    translator = Translator.load(loaded.project, "zh_Hans")
    step = series.step("questions-to-ask")
    view = step_view(loaded.content, series, step, translator)
    section = next(s for s in view.topic.sections if s.id == "the-treatment")
    (questions,) = (block.items for block in section.blocks if block.kind == "list")
    assert view.points == questions
    assert all(point.endswith("？") for point in view.points)
    assert view.heading == translator.pgettext("series/acne-education/questions-to-ask", step.heading.text)
    assert view.heading not in ("", step.heading.text, view.topic.title)


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
