"""qa.py: every tampered or broken catalog under tests/data/bad-po is rejected with file and line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from scarleaflets import i18n
from scarleaflets.config import open_project
from scarleaflets.errors import ContentError
from scarleaflets.i18n.locales import LocaleInfo, PluralRule

from ..conftest import DATA

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
    problems, _ = i18n.check_locales(project, [locale])
    reported = [str(p) for p in problems]
    assert expected in reported
    # The gate that guards publication refuses it too, and writes no compiled catalog.
    with pytest.raises(ContentError):
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
    assert {"too-few-plurals", "too-many-plurals", "plural-forms-header", "plural-forms-missing"} <= names


SPANISH_CLDR_48 = PluralRule(3, "(n == 1 ? 0 : n != 0 && n % 1000000 == 0 ? 1 : 2)")  # as in Babel 2.19


def test_a_newer_cldr_rule_is_a_warning_and_the_shipped_catalogs_still_publish(repo_root, monkeypatch):
    """Babel 2.19 gave Spanish three forms; the shipped catalog states two. That must not stop anything."""
    real = LocaleInfo.cldr_plural.func
    monkeypatch.setattr(
        LocaleInfo,
        "cldr_plural",
        property(lambda info: SPANISH_CLDR_48 if info.code == "es" else real(info)),
    )
    project = open_project(repo_root)
    loaded = i18n.read_catalog(project, "es")
    assert loaded.problems == []
    assert loaded.plural_rule == PluralRule(2, "(n != 1)")
    (warning,) = [w for w in loaded.warnings if w.path == "Plural-Forms"]
    text = str(warning)
    assert text.startswith("locales/es/LC_MESSAGES/messages.po:")
    assert '"nplurals=2; plural=(n != 1);"' in text  # the catalog's rule
    assert f'"{SPANISH_CLDR_48.header}"' in text  # and CLDR's, both named
    assert "--plural-rule=cldr es" in text
    template = i18n.read_template(project)
    status = i18n.locale_status(project, "es", template, loaded)
    assert status.percent == 100.0  # so it is published
    translator = i18n.Translator.load(project, "es")
    assert translator.plural_rule == PluralRule(2, "(n != 1)")
    one, many = "About %(num)d minute to read", "About %(num)d minutes to read"
    assert translator.ngettext(one, many, 1_000_000) % {"num": 5} == "Aproximadamente 5 minutos de lectura"
    assert translator.fallbacks == set()


def test_every_shipped_catalog_passes_the_gate_with_the_installed_babel(repo_root):
    project = open_project(repo_root)
    problems, _ = i18n.check_locales(project, i18n.discover_locales(project))
    assert problems == []
