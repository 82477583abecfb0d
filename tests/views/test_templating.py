"""views/templating.py: the environment every channel renders through: autoescaping, and a channel's own
filters in its own environment only."""

from __future__ import annotations

from scarleaflets.views.templating import autoescape, make_environment


def test_autoescape_is_on_for_html_templates_including_double_extensions(leaflet_project):
    assert autoescape("leaflet/topic.html.j2")
    assert autoescape("email/step.html.j2")
    assert not autoescape("leaflet/leaflet.css.j2")
    assert not autoescape("email/step.txt.j2")
    env = make_environment(leaflet_project)
    assert env.from_string("{{ x }}").render(x="<b>") == "&lt;b&gt;"


def test_a_channel_adds_its_filters_to_its_own_environment(leaflet_project):
    plain = make_environment(leaflet_project)
    assert "css_string" not in plain.filters
    env = make_environment(leaflet_project, "mini", filters={"shout": str.upper})
    assert env.from_string("{{ 'hi'|shout }}").render() == "HI"
    assert "shout" not in make_environment(leaflet_project, "mini").filters


def test_urls_break_only_after_a_slash_and_stay_escaped(leaflet_project):
    env = make_environment(leaflet_project)
    shown = env.from_string("{{ url|url_text }}").render(url="https://dermnetnz.org/topics/acne?a=1&b=<2>")
    assert shown == "https://<wbr>dermnetnz.org/<wbr>topics/<wbr>acne?a=1&amp;b=&lt;2&gt;"
    assert env.from_string("{{ 'no-slash'|url_text }}").render() == "no-\u2060slash"  # a word joiner
