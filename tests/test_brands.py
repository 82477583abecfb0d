"""brands.py: the demo brands load; every bad brand file gets exactly its messages, with file and line."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest

from scarleaflets import i18n
from scarleaflets.brands import load_brands
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
