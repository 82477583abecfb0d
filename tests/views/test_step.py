"""views/step.py: a step of an email series in one language, holding the views of the topics it teaches."""

from __future__ import annotations

import datetime as dt

import pytest

from scarleaflets.config import open_project
from scarleaflets.content.series import load_series
from scarleaflets.i18n import Translator
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
