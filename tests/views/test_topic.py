"""views/topic.py: a topic and the complete guide, every text translated in its context, as plain data."""

from __future__ import annotations

from scarleaflets.content import load_content
from scarleaflets.i18n import Translator
from scarleaflets.views import guide_view, topic_view
from scarleaflets.views.topic import BlockView, FigureView, LayerView, SourceView, reading_minutes

from ..conftest import FIXTURE_TODAY, add_layers, make_leaflet_project


def test_every_text_of_a_topic_is_translated_in_its_context(leaflet_project):
    content = load_content(leaflet_project.root, FIXTURE_TODAY)
    view = topic_view(content.topics["sample"], Translator.load(leaflet_project, "es"))
    assert view.title == "ES A sample topic"
    assert view.summary == ("ES The first point.", "ES The second point.", "ES The third point.")
    assert [s.heading for s in view.sections] == ["ES Introduction", "ES A comparison"]
    assert view.sections[0].blocks == (
        BlockView("paragraph", text="ES A short paragraph."),
        BlockView("list", items=("ES No", "ES Yes")),
        BlockView(
            "figure",
            figure=FigureView("content/figures/ok.svg", "ES A plain square.", "ES A drawing of a square."),
        ),
    )
    table, callout = view.sections[1].blocks
    assert (table.caption, table.header, table.rows) == (
        "ES Two things side by side",
        ("ES Thing", "ES Note"),
        (("ES One", "ES The first, with a comma"),),
    )
    assert (callout.kind, callout.callout, callout.text) == ("callout", "clinician", "ES Ask your clinician.")
    assert view.questions == ("ES Is this a question?",)
    assert (view.written_by, view.reviewed_by) == ("ES Content editor", "ES Content editor")
    assert (view.reviewed_on, view.next_review_due, view.draft) == (
        "10 de enero de 2026",
        "10 de enero de 2027",
        True,
    )
    # Sources are cited as written; the reading time counts the English words.
    assert view.sources == (
        SourceView(
            "A web page", "A publisher", 2024, "https://example.org/page", "A web page. A publisher, 2024."
        ),
        SourceView(
            "An article",
            "A journal",
            2001,
            "https://doi.org/10.1067/mjd.2001.113451",
            "Doe J, Roe R. An article. A journal. 2001;45(1):109–117.",
        ),
    )
    assert view.minutes == reading_minutes(view.words) == 1


def test_a_missing_translation_is_english_and_counted(leaflet_project):
    content = load_content(leaflet_project.root, FIXTURE_TODAY)
    translator = Translator("es", None)  # no catalog at all: every text falls back
    view = topic_view(content.topics["sample"], translator)
    assert view.title == "A sample topic"
    assert ("sample/title", "A sample topic") in translator.fallbacks


def test_the_guide_holds_the_views_of_its_topics_in_its_order(leaflet_project):
    content = load_content(leaflet_project.root, FIXTURE_TODAY)
    translator = Translator.load(leaflet_project, "es")
    guide = guide_view(content, translator)
    assert (guide.title, guide.subtitle, guide.intro) == (
        "ES Test guide",
        "",
        "ES A small project used by the tests.",
    )
    assert [(p.id, p.heading) for p in guide.parts] == [("only", "ES The only part")]
    assert guide.topics == tuple(topic_view(t, translator) for t in content)
    assert [t.id for t in guide.topics] == ["sample", "other"]
    assert guide.minutes == reading_minutes(sum(t.words for t in guide.topics))


def test_reading_minutes_round_up_and_never_say_zero():
    assert [reading_minutes(n) for n in (0, 1, 200, 201, 400)] == [1, 1, 1, 2, 2]


def test_the_clinic_details_a_topic_names_are_filled_with_the_clinics_wording(
    shipped_project, shipped_content
):
    """Shared text names routes to urgent help ({crisis_line}); every brand gives its own, per language."""
    from scarleaflets.brands import load_brands
    from scarleaflets.i18n import discover_locales

    brands = load_brands(shipped_project.root, discover_locales(shipped_project))
    topic = shipped_content.topics["when-to-see-a-dermatologist"]
    for brand, locale, expected in [
        ("riverside", "fr", ("999", "Samaritans (116 123, appel gratuit)", "NHS 111 (appelez le 111)")),
        ("harbor", "es", ("911", "988", "su médico o una clínica de atención urgente")),
        ("harbor", "en", ("911", "the 988 Suicide and Crisis Lifeline (call or text 988)", "urgent care")),
    ]:
        view = topic_view(
            topic, Translator.load(shipped_project, locale), brands[brand].clinic_details(locale)
        )
        texts = " ".join(b.text for s in view.sections for b in s.blocks)
        assert "{" not in texts
        assert "}" not in texts
        for wording in expected:
            assert wording in texts, (brand, locale, wording)


def test_a_figures_layers_are_translated_and_placed_as_shares_of_its_height(mini_project):
    add_layers(mini_project)
    project = make_leaflet_project(mini_project)
    content = load_content(project.root, FIXTURE_TODAY)
    view = topic_view(content.topics["sample"], Translator.load(project, "es"))
    figure = view.sections[0].blocks[2].figure
    assert figure is not None
    assert figure.layers == (
        LayerView("epidermis", "ES Epidermis", 0.0, 20.0),
        LayerView("dermis", "ES Dermis", 20.0, 70.0),
        LayerView("fat", "ES Subcutaneous fat", 70.0, 100.0),
    )
    assert [layer.middle for layer in figure.layers] == [10.0, 45.0, 85.0]
