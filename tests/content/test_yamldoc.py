"""content/yamldoc.py: syntax errors name the line; to_data keeps the line of every place."""

from __future__ import annotations

import yaml

from scarleaflets.content.yamldoc import parse
from scarleaflets.errors import Problem


def _node(text: str):
    return yaml.compose(text, Loader=yaml.SafeLoader)


def test_parse_reports_tab_indentation_with_its_line(tmp_path):
    path = tmp_path / "t.yaml"
    path.write_text("a:\n  b: 1\n\tc: 2\n")
    problems: list[Problem] = []
    assert parse(path, "t.yaml", problems) is None
    assert [str(p) for p in problems] == [
        "t.yaml:3: a tab character is used for indentation; YAML needs spaces (indent with 2 spaces)"
    ]


def test_parse_refuses_aliases_at_the_alias(tmp_path):
    path = tmp_path / "t.yaml"
    path.write_text("a: &x [1, 2]\nb: 3\nc: *x\n")
    problems: list[Problem] = []
    assert parse(path, "t.yaml", problems) is None
    assert problems[0].line == 3


def test_to_data_keeps_the_line_of_every_place_and_repeated_keys():
    from scarleaflets.content.yamldoc import Mapping, Scalar, path_of, to_data

    data, lines = to_data(_node("a: 1\nb:\n  - x\n  - ~\na: 2\n"))
    assert isinstance(data, Mapping)
    assert data["a"] == Scalar("1", 1)
    assert data["b"] == [Scalar("x", 3), Scalar("~", 4, null=True)]
    assert data.repeated == [("a", 5)]
    assert lines.values[("b", 1)] == 4
    assert lines.keys[("b",)] == 2
    assert lines.line(("b", 7, "c")) == 3  # the nearest place that has a line
    assert path_of(("sections", 2, "blocks", 0, "paragraph")) == "sections[2].blocks[0].paragraph"
