"""content/schema.py and content/validation.py: rules the bad-file examples do not show one at a time,
each reported at its own line with the message the imperative reader gave."""

from __future__ import annotations

import pytest

from scarleaflets.content import load_content
from scarleaflets.errors import ContentError

from ..conftest import FIXTURE_TODAY


def _problems(mini_project, replacements, file="content/topics/sample.yaml"):
    path = mini_project / file
    text = path.read_text()
    for old, new in replacements:
        assert old in text
        text = text.replace(old, new)
    path.write_text(text)
    with pytest.raises(ContentError) as info:
        load_content(mini_project, FIXTURE_TODAY)
    return [str(p) for p in info.value.problems]


def test_a_topic_related_to_itself_is_shown_at_the_line_of_the_list(mini_project):
    assert _problems(mini_project, [("related: [other]", "related:\n  - other\n  - sample")]) == [
        "content/topics/sample.yaml:37: related[1]: a topic cannot be related to itself"
    ]


def test_a_wrong_count_does_not_hide_what_is_wrong_with_the_items(mini_project):
    assert _problems(mini_project, [("  - The second point.\n  - The third point.\n", "")]) == [
        "content/topics/sample.yaml:5: summary: expected 3 to 5 items, got 1"
    ]
    assert _problems(mini_project, [("  - The first point.", "  - [a, list]")]) == [
        "content/topics/sample.yaml:5: summary: expected 3 to 5 items, got 1",
        "content/topics/sample.yaml:5: summary[0]: expected text, got a list",
    ]


def test_missing_keys_are_listed_together_in_declared_order(mini_project):
    problems = _problems(mini_project, [("  written_by: Content editor\n", ""), ("  status: draft\n", "")])
    assert problems == ["content/topics/sample.yaml:47: review: missing required keys 'written_by', 'status'"]


def test_an_unknown_key_of_a_block_lists_the_kinds_and_the_note(mini_project):
    assert _problems(
        mini_project, [("      - paragraph: A short paragraph.", "      - words: A short paragraph.")]
    ) == [
        "content/topics/sample.yaml:12: sections[0].blocks[0]: a block holds exactly one of paragraph, list, "
        "callout, table, figure; found none",
        "content/topics/sample.yaml:12: sections[0].blocks[0].words: unknown key 'words'; allowed keys: "
        "paragraph, list, callout, table, figure, note",
    ]


def test_a_repeated_unknown_key_is_unknown_at_each_line(mini_project):
    problems = _problems(
        mini_project, [("title: A sample topic\n", "title: A sample topic\nsubtitle: a\nsubtitle: b\n")]
    )
    assert problems == [
        "content/topics/sample.yaml:3: subtitle: unknown key 'subtitle'; did you mean 'title'?",
        "content/topics/sample.yaml:4: subtitle: unknown key 'subtitle'; did you mean 'title'?",
    ]


def test_the_guide_is_validated_like_a_topic(mini_project):
    problems = _problems(
        mini_project,
        [("topics: [sample, other]", "topics: [sample, Other]"), ("intro:", "intro_:")],
        "content/guide.yaml",
    )
    assert problems == [
        "content/guide.yaml:1: (top level): missing required key 'intro'",
        "content/guide.yaml:2: intro_: unknown key 'intro_'; did you mean 'intro'?",
        "content/guide.yaml:6: parts[0].topics[1]: 'Other' is not a valid id: use lower-case letters, digits and hyphens",
    ]
