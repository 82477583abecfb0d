"""content/series.py: the shipped series is valid; bad series files get exactly their file-and-line errors."""

from __future__ import annotations

import dataclasses
import itertools
import shutil

import pytest

from scarleaflets.checks import run_check
from scarleaflets.config import open_project
from scarleaflets.content import load_content
from scarleaflets.content.series import MAX_KEY_POINTS, load_series, step_points
from scarleaflets.content.validation import Msg
from scarleaflets.errors import ContentError

from ..conftest import DATA, FIXTURE_TODAY, REPO

BAD = sorted((DATA / "bad-series").glob("*.yaml"))

GOOD = """\
id: s
name: A series
steps:
  - id: one
    day: 0
    topics: [sample]
    subject: First
    preheader: Hello.
    intro: Welcome.
  - id: two
    day: 3
    topics: [other]
    attach: [other]
    subject: Second
    preheader: Again.
    intro: More.
"""


def test_shipped_series_is_valid_and_covers_six_weeks(shipped_content):
    """One topic per email, every topic taught once, two or three days apart over six weeks, nothing
    attached (links instead), and the welcome on marks and scars first."""
    (series,) = load_series(REPO, shipped_content).values()
    assert len(series.steps) == len(shipped_content.topics) == 19
    assert [len(s.topics) for s in series.steps] == [1] * 19
    assert sorted(s.topic for s in series.steps) == sorted(shipped_content.topics)
    assert (series.steps[0].id, series.steps[0].day, series.steps[0].topic) == (
        "welcome",
        0,
        "marks-vs-scars",
    )
    assert series.steps[-1].day == 42
    days = [s.day for s in series.steps]
    assert {later - earlier for earlier, later in itertools.pairwise(days)} <= {2, 3}
    assert all(s.attach == () for s in series.steps)
    for step in series.steps:
        points = step_points(step, shipped_content.topics[step.topic]) or ()
        assert 3 <= len(points) <= MAX_KEY_POINTS, step.id
    asking = series.step("questions-to-ask")
    assert asking.heading is not None
    assert asking.points == "the-treatment"
    questions = step_points(asking, shipped_content.topics["questions-to-ask"]) or ()
    assert questions
    assert all(m.text.endswith("?") for m in questions)


ONE_STEP = """\
id: s
name: A series
steps:
  - id: one
    day: 0
    topics: [sample]
    points: intro
    heading: Answers
    subject: First
    preheader: Hello.
    intro: Welcome.
"""


def test_an_email_shows_at_most_six_points_of_a_section(mini_project):
    """The section a step shows is counted: six items pass, seven are refused at the step's `points`."""
    topic = mini_project / "content" / "topics" / "sample.yaml"
    (mini_project / "content" / "series").mkdir()
    (mini_project / "content" / "series" / "s.yaml").write_text(ONE_STEP)
    original = topic.read_text()
    six = "".join(f"          - Item {n}\n" for n in range(1, 7))
    topic.write_text(original.replace("          - No\n          - Yes\n", six))
    (series,) = load_series(mini_project, load_content(mini_project, FIXTURE_TODAY)).values()
    assert len(series.steps[0].topics) == 1
    topic.write_text(original.replace("          - No\n          - Yes\n", six + "          - Item 7\n"))
    with pytest.raises(ContentError) as info:
        load_series(mini_project, load_content(mini_project, FIXTURE_TODAY))
    assert [str(p) for p in info.value.problems] == [
        "content/series/s.yaml:7: steps[0].points: topic 'sample' section 'intro' lists 7 key points: an email "
        "shows at most 6 (one thing per email; the leaflet link gives the rest)"
    ]


def test_an_email_shows_at_most_six_key_points(mini_project):
    """A topic whose key points would fill an email with seven is refused at the step's `topics` line (the
    topic files allow five today; the series holds its own limit whatever they allow)."""
    (mini_project / "content" / "series").mkdir()
    (mini_project / "content" / "series" / "s.yaml").write_text(
        ONE_STEP.replace("    points: intro\n    heading: Answers\n", "")
    )
    content = load_content(mini_project, FIXTURE_TODAY)
    sample = content.topics["sample"]
    six = tuple(Msg(f"Point {n}.", 5 + n) for n in range(6))
    content.topics["sample"] = dataclasses.replace(sample, summary=six)
    assert load_series(mini_project, content)["s"].steps[0].topic == "sample"
    content.topics["sample"] = dataclasses.replace(sample, summary=(*six, Msg("Point 7.", 12)))
    with pytest.raises(ContentError) as info:
        load_series(mini_project, content)
    assert [str(p) for p in info.value.problems] == [
        "content/series/s.yaml:6: steps[0].topics: topic 'sample' has 7 key points: an email shows at most 6 "
        "(one thing per email; the leaflet link gives the rest)"
    ]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("day: 3", "day: 0"), "content/series/s.yaml:11: steps[1].day: day 0 must come after day 0"),
        (
            ("topics: [sample]", "topics: [nowhere]"),
            "content/series/s.yaml:6: steps[0].topics: no topic with id 'nowhere'",
        ),
        (
            ("attach: [other]", "attach: [sample]"),
            "content/series/s.yaml:13: steps[1].attach[0]: 'sample' is not among the step's topics",
        ),
        (
            ("subject: Second", "subject: <b>Second</b>"),
            "content/series/s.yaml:14: steps[1].subject: looks like HTML markup",
        ),
        (("  - id: two", "  - id: one"), "content/series/s.yaml:10: steps[1].id: duplicate step id 'one'"),
        (
            ("day: 3", "day: soon"),
            "content/series/s.yaml:11: steps[1].day: 'soon' is not a whole number from 0 to 3650",
        ),
        (
            ("preheader: Again.", "preheadr: Again."),
            "content/series/s.yaml:15: steps[1].preheadr: unknown key 'preheadr'; did you mean 'preheader'?",
        ),
    ],
)
def test_bad_series_are_reported_by_check_with_file_and_line(mini_project, change, expected):
    folder = mini_project / "content" / "series"
    folder.mkdir()
    (folder / "s.yaml").write_text(GOOD.replace(*change))
    report = run_check(open_project(mini_project), FIXTURE_TODAY, strict=False)
    messages = [str(p) for p in report.errors]
    assert any(m.startswith(expected) for m in messages), messages


@pytest.mark.parametrize("bad_file", BAD, ids=[p.stem for p in BAD])
def test_bad_series_file_gets_exactly_its_messages(mini_project, bad_file):
    """Each `# expect:` line of the file is one problem, in the order they are reported; there are no others."""
    expected = [
        line.removeprefix("# expect: ")
        for line in bad_file.read_text().splitlines()
        if line.startswith("# expect: ")
    ]
    (mini_project / "content" / "series").mkdir()
    shutil.copyfile(bad_file, mini_project / "content" / "series" / "s.yaml")
    with pytest.raises(ContentError) as info:
        load_series(mini_project, load_content(mini_project, FIXTURE_TODAY))
    assert [str(p) for p in info.value.problems] == expected
