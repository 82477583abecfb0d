"""content/series.py: the shipped series is valid; bad series files get exactly their file-and-line errors."""

from __future__ import annotations

import shutil

import pytest

from scarleaflets.checks import run_check
from scarleaflets.config import open_project
from scarleaflets.content import load_content
from scarleaflets.content.series import load_series
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
    (series,) = load_series(REPO, shipped_content).values()
    assert len(series.steps) == 8
    assert series.steps[-1].day == 42
    assert [s.day for s in series.steps] == sorted(s.day for s in series.steps)


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
