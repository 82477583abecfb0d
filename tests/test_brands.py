"""brands/: the demo brands load; every bad brand file gets exactly its messages, with file and line; the
contrast of a brand's colours where they are used, and of the stylesheet's fixed text colours."""

from __future__ import annotations

import datetime as dt
import re
import shutil

import pytest

from scarleaflets import i18n
from scarleaflets.brands import load_brands
from scarleaflets.brands.contrast import (
    FIXED_TEXT,
    MINIMUM,
    accent_problems,
    contrast,
    primary_problems,
    tint,
)
from scarleaflets.config import open_project
from scarleaflets.errors import ContentError

from .conftest import DATA, REPO

BAD = sorted((DATA / "bad-brands").glob("*.yaml"))


def test_demo_brands_differ_in_colour_paper_and_locales():
    project = open_project(REPO)
    brands = load_brands(REPO, i18n.discover_locales(project))
    riverside, harbor = brands["riverside"], brands["harbor"]
    assert riverside.paper != harbor.paper
    assert riverside.primary != harbor.primary
    assert set(riverside.locales) != set(harbor.locales)
    assert set(riverside.locales) | set(harbor.locales) >= {"en", *i18n.discover_locales(project)}
    for brand in brands.values():
        assert brand.website.endswith((".example.org", ".example.com"))
        assert brand.email.sender_address.endswith((".example.org", ".example.com"))
        assert brand.email.send_window.start < brand.email.send_window.end
    assert harbor.email.send_window.days == (1, 2, 3, 4, 5, 6)
    assert riverside.legal_text("fr").startswith("Riverside Skin Clinic est")
    for brand in brands.values():  # the demo clinics give their legal text in every language they offer
        assert set(brand.legal) == set(brand.locales)
    assert dt.time(9, 0) == riverside.email.send_window.start


@pytest.mark.parametrize("bad_file", BAD, ids=[p.stem for p in BAD])
def test_bad_brand_is_reported_precisely(mini_project, bad_file):
    """Each `# expect:` line of the file is one problem, in the order they are reported; there are no others."""
    expected = [
        line.removeprefix("# expect: ")
        for line in bad_file.read_text().splitlines()
        if line.startswith("# expect: ")
    ]
    shutil.copyfile(bad_file, mini_project / "content" / "brands" / "mini.yaml")
    with pytest.raises(ContentError) as info:
        load_brands(mini_project, ["es"])
    assert [str(p) for p in info.value.problems] == expected


def test_no_brand_at_all_is_reported(mini_project):
    shutil.rmtree(mini_project / "content" / "brands")
    with pytest.raises(ContentError, match="no brand files"):
        load_brands(mini_project, [])


def test_mangled_brand_files_never_crash_the_loader(mini_project):
    """Random damage to a valid brand (lines dropped, doubled, re-indented; characters swapped) gives either a
    valid brand or problems with file and line, never an exception of another kind."""
    import random

    brand = mini_project / "content" / "brands" / "mini.yaml"
    original = brand.read_text().splitlines()
    rng = random.Random(20261201)
    for _ in range(300):
        lines = list(original)
        for _ in range(rng.randint(1, 3)):
            index = rng.randrange(len(lines))
            line = lines[index]
            action = rng.choice(["drop", "double", "indent", "dedent", "char", "colon"])
            if action == "drop":
                del lines[index]
            elif action == "double":
                lines.insert(index, line)
            elif action == "indent":
                lines[index] = "  " + line
            elif action == "dedent":
                lines[index] = line[2:]
            elif action == "char" and line:
                at = rng.randrange(len(line))
                lines[index] = line[:at] + rng.choice("[]{}:-'\"&*!|>%@`#\t ") + line[at + 1 :]
            else:
                lines[index] = line + ": x"
        brand.write_text("\n".join(lines) + "\n")
        problems = []
        try:
            load_brands(mini_project, ["es"])
        except ContentError as exc:
            problems = exc.problems
        assert all(p.file.startswith("content/brands") for p in problems)


def test_urgent_help_wording_falls_back_along_the_cldr_chain_as_catalogs_do():
    """A clinic's urgent-help text for a regional locale comes from its nearest CLDR parent (es_MX -> es_419 ->
    es, en_GB -> en_001 -> en), then from `default`."""
    import dataclasses

    riverside = load_brands(REPO, i18n.discover_locales(open_project(REPO)))["riverside"]
    brand = dataclasses.replace(
        riverside, urgent_help={"crisis_line": {"en": "E", "es_419": "L", "es": "S", "default": "D"}}
    )
    assert brand.clinic_details("en_GB") == {"crisis_line": "E"}
    assert brand.clinic_details("es_MX") == {"crisis_line": "L"}
    assert brand.clinic_details("es") == {"crisis_line": "S"}
    assert brand.clinic_details("fr") == {"crisis_line": "D"}
    assert brand.clinic_details("xx_nonsense") == {"crisis_line": "D"}


def test_a_brand_may_ask_for_larger_type(mini_project):
    brand_file = mini_project / "content" / "brands" / "mini.yaml"
    assert load_brands(mini_project, ["es"])["mini"].body_pt == 12  # the default, the minimum
    brand_file.write_text(
        brand_file.read_text().replace("paper: A4\n", "paper: A4\ntype:\n  body_pt: 13.5\n")
    )
    mini = load_brands(mini_project, ["es"])["mini"]
    assert (mini.body_pt, mini.note_pt) == (13.5, 10)


def test_a_brand_opts_in_to_the_large_print_edition(mini_project):
    """Off unless the brand file says `large_print: true`; the demo's UK clinic releases it, the US one not
    (a bad value is in tests/data/bad-brands/large-print-value.yaml)."""
    brand_file = mini_project / "content" / "brands" / "mini.yaml"
    assert load_brands(mini_project, ["es"])["mini"].large_print is False
    brand_file.write_text(brand_file.read_text().replace("paper: A4\n", "paper: A4\nlarge_print: true\n"))
    assert load_brands(mini_project, ["es"])["mini"].large_print is True
    brand_file.write_text(brand_file.read_text().replace("large_print: true", "large_print: false"))
    assert load_brands(mini_project, ["es"])["mini"].large_print is False
    demo = load_brands(REPO, i18n.discover_locales(open_project(REPO)))
    assert (demo["riverside"].large_print, demo["harbor"].large_print) == (True, False)


def test_contrast_ratios_are_wcag_ratios():
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)  # the classic just-failing grey
    assert contrast("#ffffff", "#1f5f5b") == contrast("#1f5f5b", "#ffffff")
    assert tint("#000000") == "#e0e0e0"


def test_the_demo_brands_pass_and_a_pale_brand_fails_where_its_colours_are_used():
    brands = load_brands(REPO, i18n.discover_locales(open_project(REPO)))
    for brand in brands.values():
        assert primary_problems(brand.primary) == []
        assert accent_problems(brand.primary, brand.accent) == []
    assert primary_problems("#f3e9a0") == [
        "#f3e9a0: white text on it (header band, table headings) has contrast 1.2:1, needs 4.5:1"
    ]
    # Dark enough for white text (4.6:1 on white), not for headings on the grey boxes.
    assert primary_problems("#767676")[0].startswith("#767676: headings in it on the questions box")
    assert accent_problems("#1f5f5b", "#e9a23b") == []
    assert accent_problems("#5f6a9f", "#000000")[0].startswith("#000000: primary headings (#5f6a9f)")


def test_every_fixed_text_colour_of_the_stylesheet_reaches_aa():
    """Each colour the leaflet stylesheet writes as a literal is listed in FIXED_TEXT (or is a border or box),
    and every text colour there reaches 4.5:1 on each background it is printed on."""
    stylesheet = (REPO / "templates" / "leaflet" / "leaflet.css.j2").read_text()
    text_colours = set(re.findall(r"(?<![-\w])color: (#[0-9a-f]{6})", stylesheet))
    assert text_colours <= set(FIXED_TEXT), text_colours - set(FIXED_TEXT)
    for colour, (_, backgrounds) in FIXED_TEXT.items():
        for background in backgrounds:
            assert contrast(colour, background) >= MINIMUM, (colour, background)
