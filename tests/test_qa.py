"""qa.py: every tampered or broken catalog under tests/data/bad-po is rejected with file and line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from scarleaflets import i18n
from scarleaflets.config import open_project

from .conftest import DATA

BAD_PO = sorted((DATA / "bad-po").glob("*.po"))


def _directives(path: Path) -> tuple[str, str]:
    locale, expected = "fr", ""
    for line in path.read_bytes().decode("latin-1").splitlines():
        if line.startswith("# locale: "):
            locale = line.removeprefix("# locale: ").strip()
        elif line.startswith("# expect: "):
            expected = line.removeprefix("# expect: ").strip()
    return locale, expected


@pytest.mark.parametrize("bad_po", BAD_PO, ids=[p.stem for p in BAD_PO])
def test_bad_catalog_is_rejected_precisely(mini_project, bad_po):
    locale, expected = _directives(bad_po)
    assert expected, f"{bad_po.name} has no '# expect:' line"
    target = mini_project / "locales" / locale / "LC_MESSAGES" / "messages.po"
    target.parent.mkdir(parents=True)
    shutil.copyfile(bad_po, target)
    project = open_project(mini_project)
    reported = [str(p) for p in i18n.check_locales(project, [locale])]
    assert expected in reported
    # The gate that guards publication refuses it too, and writes no compiled catalog.
    with pytest.raises(i18n.ContentError):
        i18n.compile_locales(project, [locale])
    assert not target.with_suffix(".mo").exists()


def test_there_are_enough_bad_catalogs():
    names = {p.stem for p in BAD_PO}
    assert {
        "syntax-error",
        "missing-placeholder",
        "script-injection",
        "img-injection",
        "link-injection",
    } <= names
    assert {"too-few-plurals", "too-many-plurals", "plural-forms-header"} <= names
