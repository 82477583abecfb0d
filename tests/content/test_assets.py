"""content/assets.py: a figure must be a self-contained SVG drawing."""

from __future__ import annotations

import pytest

from scarleaflets.content import svg_problem
from scarleaflets.content.assets import svg_height


@pytest.mark.parametrize(
    ("svg", "problem"),
    [
        ('<svg xmlns="http://www.w3.org/2000/svg"><rect/></svg>', None),
        ("<svg><rect/></svg>", "SVG namespace"),
        ('<svg xmlns="http://www.w3.org/2000/svg"><rect', "not a well-formed SVG"),
        ('<svg xmlns="http://www.w3.org/2000/svg"><image href="file:///etc/passwd"/></svg>', "must not load"),
        (
            '<svg xmlns="http://www.w3.org/2000/svg" xmlns:x="http://www.w3.org/1999/xlink">'
            '<image x:href="https://example.org/a.png"/></svg>',
            "must not load",
        ),
        ('<svg xmlns="http://www.w3.org/2000/svg"><use href="#a"/></svg>', None),
        ('<svg xmlns="http://www.w3.org/2000/svg"><foreignObject/></svg>', "foreignObject"),
        (
            '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x "boom">]>'
            '<svg xmlns="http://www.w3.org/2000/svg">&x;</svg>',
            "not a well-formed SVG",
        ),
    ],
)
def test_svg_problem(tmp_path, svg, problem):
    path = tmp_path / "figure.svg"
    path.write_text(svg)
    found = svg_problem(path)
    if problem is None:
        assert found is None
    else:
        assert found is not None
        assert problem in found


@pytest.mark.parametrize(
    ("attributes", "height"),
    [
        ('viewBox="0 0 320 180" width="640" height="360"', 180.0),
        ('viewBox="0,0,10,12.5"', 12.5),
        ('width="40" height="30"', 30.0),
        ('width="40mm" height="30mm"', None),
        ("", None),
    ],
)
def test_svg_height_is_in_the_drawings_own_units(tmp_path, attributes, height):
    path = tmp_path / "figure.svg"
    path.write_text(f'<svg xmlns="http://www.w3.org/2000/svg" {attributes}><rect/></svg>')
    assert svg_height(path) == height
