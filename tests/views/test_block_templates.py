"""views/block_templates.py: every template that renders blocks has a branch for each registered kind and
an `{% else %}` that stops the render; a kind without a branch stops the renderer from starting."""

from __future__ import annotations

import shutil
from types import SimpleNamespace

import pytest

from scarleaflets.config import open_project
from scarleaflets.content import blocks
from scarleaflets.content.blocks import BLOCKS, UnhandledBlockKindError
from scarleaflets.views import topic as views_topic
from scarleaflets.views.block_templates import check_template, check_templates
from scarleaflets.views.templating import make_environment
from scarleaflets.views.topic import BlockView, SectionView

from ..conftest import REPO
from ..content.test_blocks import VIDEO

BODY = "leaflet/_topic_body.html.j2"
ELSE = "{% else %}{{ unhandled_block(block.kind) }}"


def _chain(*kinds: str, otherwise: str = ELSE) -> str:
    branches = "".join(
        f"{'{% if' if index == 0 else '{% elif'} block.kind == {kind!r} %}}{kind}"
        for index, kind in enumerate(kinds)
    )
    return f"{{% for block in section.blocks %}}{branches}{otherwise}{{% endif %}}{{% endfor %}}"


def test_the_shipped_templates_handle_every_kind():
    env = make_environment(open_project(REPO))  # checks every template, and does not raise
    assert ELSE in (REPO / "templates" / BODY).read_text()
    assert "unhandled_block" in env.globals


def test_a_new_kind_with_a_view_but_no_template_branch_fails_when_the_renderer_starts(
    mini_project, monkeypatch
):
    monkeypatch.setattr(blocks, "BLOCKS", BLOCKS.with_kind(VIDEO))
    monkeypatch.setitem(
        views_topic.BLOCK_VIEWS, "video", lambda b, t, figure: BlockView("video", text=t(b.caption.text))
    )
    shutil.copytree(REPO / "templates", mini_project / "templates", dirs_exist_ok=True)
    with pytest.raises(UnhandledBlockKindError) as info:
        make_environment(open_project(mini_project))
    assert str(info.value) == (
        f"the template {BODY} does not match the block registry: the chain at line 16 has no branch for the "
        "block kinds video; every kind in scarleaflets.content.blocks.BLOCKS needs exactly one "
        "`{% elif block.kind == … %}` branch in every template that renders blocks, and the chain ends in "
        f"`{ELSE}`"
    )


def test_a_clinic_override_that_drops_a_kind_stops_every_environment_at_start_up(mini_project):
    shutil.copytree(REPO / "templates", mini_project / "templates", dirs_exist_ok=True)
    body = (REPO / "templates" / BODY).read_text()
    start, end = body.index('    {% elif block.kind == "figure" %}'), body.index("    {% else %}")
    override = mini_project / "templates" / "brands" / "mini" / BODY
    override.parent.mkdir(parents=True)
    override.write_text(body[:start] + body[end:])
    for brand_id in ("mini", None):  # a broken template is a broken project, whichever brand starts first
        with pytest.raises(UnhandledBlockKindError) as info:
            make_environment(open_project(mini_project), brand_id)
        assert str(info.value).startswith(
            f"the template brands/mini/{BODY} does not match the block registry: the chain at line 16 has no "
            "branch for the block kinds figure;"
        )


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        (_chain(*BLOCKS.names), None),
        (_chain(*BLOCKS.names, otherwise=""), f"the chain at line 1 does not end in `{ELSE}`"),
        (_chain(*BLOCKS.names, otherwise="{% else %}"), f"the chain at line 1 does not end in `{ELSE}`"),
        (_chain(*BLOCKS.names[1:]), "the chain at line 1 has no branch for the block kinds paragraph"),
        (_chain(*BLOCKS.names, "video"), "the chain at line 1 has branches for unregistered kinds video"),
        (_chain(*BLOCKS.names, "list"), "the chain at line 1 has two branches for the block kinds list"),
        (
            "{% for block in section.blocks %}{{ block.text }}{% endfor %}",
            "the loop over blocks at line 1 has no `block.kind ==` chain",
        ),
        (
            "{% for b in section.blocks %}{% if kind == 'guide' %}{% endif %}{% endfor %}",
            "the loop over blocks at line 1 has no `b.kind ==` chain",
        ),
    ],
)
def test_a_template_that_renders_blocks_is_checked_branch_by_branch(source, problem):
    if problem is None:
        check_template(source, "t.html.j2", BLOCKS)
    else:
        with pytest.raises(UnhandledBlockKindError) as info:
            check_template(source, "t.html.j2", BLOCKS)
        assert str(info.value).startswith(
            f"the template t.html.j2 does not match the block registry: {problem};"
        )


def test_a_template_that_renders_no_blocks_is_left_alone():
    check_template("{% if kind == 'guide' %}{{ block.callout == 'warning' }}{% endif %}", "t.html.j2", BLOCKS)


def test_a_block_that_reaches_a_template_without_a_branch_stops_the_render():
    """The `{% else %}` is the last line of defence, should a block get past the start-up check."""
    env = make_environment(open_project(REPO))
    check_templates(env)
    topic = SimpleNamespace(
        id="t",
        summary=(),
        questions=(),
        sections=(SectionView("s", "Heading", (BlockView("video", text="A film"),)),),
    )
    with pytest.raises(UnhandledBlockKindError) as info:
        env.get_template(BODY).render(topic=topic, level=2, gettext=lambda text, **variables: text)
    assert str(info.value) == (
        f"template {BODY} has no branch for the block kind 'video'; every kind in "
        "scarleaflets.content.blocks.BLOCKS needs one in every template that renders blocks"
    )
