"""content/validation.py: the leaf values and the document base give the exact messages, at their lines."""

from __future__ import annotations

from typing import Annotated

import pytest
import yaml
from pydantic import TypeAdapter, ValidationError

from scarleaflets.content.validation import (
    Date,
    Document,
    Slug,
    Text,
    problems_of,
    whole_number,
)
from scarleaflets.content.yamldoc import LineMap, to_data


def _data(text: str):
    return to_data(yaml.compose(text, Loader=yaml.SafeLoader))


def _problems(annotation, text: str) -> list[str]:
    data, lines = _data(text)
    with pytest.raises(ValidationError) as info:
        TypeAdapter(annotation).validate_python(data)
    return [str(p) for p in sorted(problems_of(info.value, "f.yaml", lines))]


def test_text_collapses_whitespace_and_keeps_yaml_words_as_text():
    text = TypeAdapter(Text)
    assert text.validate_python(_data("'  two\n  spaces  '")[0]).text == "two spaces"
    assert text.validate_python(_data("no")[0]).text == "no"
    assert text.validate_python(_data("3.0")[0]).text == "3.0"


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("[a, b]", "expected text, got a list"),
        ("{a: b}", "expected text, got a mapping"),
        ("~", "expected text, got nothing"),
        ("''", "must not be empty"),
    ],
)
def test_text_names_what_it_got_instead(written, message):
    assert _problems(Text, written) == [f"f.yaml:1: {message}"]


class _Doc(Document):
    id: Slug
    title: Text


def test_a_document_reports_unknown_duplicate_and_missing_keys():
    assert _problems(_Doc, "titel: a\nid: b\nid: c\n") == [
        "f.yaml:1: (top level): missing required key 'title'",
        "f.yaml:1: titel: unknown key 'titel'; did you mean 'title'?",
        "f.yaml:3: id: duplicate key 'id'; each key may appear once",
    ]


def test_integer_and_date_bounds():
    year = TypeAdapter(Annotated[int, whole_number(1900, 2026)])
    assert year.validate_python(_data("2001")[0]) == 2001
    assert _problems(Annotated[int, whole_number(1900, 2026)], "3001") == [
        "f.yaml:1: '3001' is not a whole number from 1900 to 2026"
    ]
    assert TypeAdapter(Date).validate_python(_data("2026-02-28")[0]).isoformat() == "2026-02-28"
    for written in ("2026-02-30", "2026-2-3"):
        assert _problems(Date, written) == [
            f"f.yaml:1: '{written}' is not a valid date; write it as YYYY-MM-DD, e.g. 2026-11-25"
        ]


def test_a_problem_without_a_place_of_its_own_is_shown_at_the_nearest_place_that_has_one():
    assert LineMap({(): 1, ("a",): 2}).line(("a", 3, "b")) == 2
