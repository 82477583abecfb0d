"""content/yamldoc.py: syntax errors name the line; the Reader converts and complains precisely."""

from __future__ import annotations

import yaml

from scarleaflets.content.yamldoc import Reader, parse
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


def test_text_collapses_whitespace_and_keeps_yaml_words_as_text():
    reader = Reader("f.yaml", [])
    assert reader.text(_node("'  two\n  spaces  '"), "x") == "two spaces"
    assert reader.text(_node("no"), "x") == "no"
    assert reader.text(_node("3.0"), "x") == "3.0"
    assert reader.problems == []


def test_text_names_what_it_got_instead():
    problems: list[Problem] = []
    reader = Reader("f.yaml", problems)
    assert reader.text(_node("[a, b]"), "p") is None
    assert reader.text(_node("{a: b}"), "q") is None
    assert reader.text(_node("~"), "r") is None
    assert reader.text(_node("''"), "s") is None
    assert [p.message for p in problems] == [
        "expected text, got a list",
        "expected text, got a mapping",
        "expected text, got nothing",
        "must not be empty",
    ]


def test_mapping_reports_unknown_duplicate_and_missing_keys():
    problems: list[Problem] = []
    reader = Reader("f.yaml", problems)
    keys = reader.mapping(_node("titel: a\nid: b\nid: c\n"), "top", required=("id", "title"))
    assert keys is not None
    assert set(keys) == {"id"}
    assert [str(p) for p in problems] == [
        "f.yaml:1: top.titel: unknown key 'titel'; did you mean 'title'?",
        "f.yaml:3: top.id: duplicate key 'id'; each key may appear once",
        "f.yaml:1: top: missing required key 'title'",
    ]


def test_integer_and_date_bounds():
    problems: list[Problem] = []
    reader = Reader("f.yaml", problems)
    assert reader.integer(_node("2001"), "year", 1900, 2026) == 2001
    assert reader.integer(_node("3001"), "year", 1900, 2026) is None
    assert reader.date(_node("2026-02-28"), "d") is not None
    assert reader.date(_node("2026-02-30"), "d") is None
    assert reader.date(_node("2026-2-3"), "d") is None
    assert len(problems) == 3


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
