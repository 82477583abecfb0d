"""The catalogs the repository ships: current with the content, complete, and through the quality gate."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess

import pytest

from scarleaflets import i18n
from scarleaflets.config import open_project
from scarleaflets.i18n import extract_project

from ..conftest import REPO, SHIPPED_TODAY

# Read at collection because they parametrize the tests below: the settings file and a listing of locales/,
# nothing loaded or validated (that happens inside the tests).
PROJECT = open_project(REPO)
LOCALES = i18n.discover_locales(PROJECT)


def _keys(catalog):
    return {(m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in catalog if m.id}


def test_the_template_is_up_to_date_with_content_and_templates():
    current = extract_project(PROJECT, dt.datetime.combine(SHIPPED_TODAY, dt.time(), tzinfo=dt.UTC))
    committed = i18n.read_template(PROJECT)
    assert _keys(current) == _keys(committed), (
        "locales/messages.pot is stale: run `scarleaflets i18n extract` and `scarleaflets i18n update`"
    )


@pytest.mark.parametrize("locale", LOCALES)
def test_shipped_catalog_passes_the_gate_and_is_complete(locale):
    problems, _ = i18n.check_locales(PROJECT, [locale])  # warnings (a newer CLDR rule) are allowed
    assert problems == []
    status = i18n.locale_status(PROJECT, locale, i18n.read_template(PROJECT))
    assert (status.translated, status.fuzzy, status.untranslated) == (status.total, 0, 0)
    assert status.manifest.recorded
    assert status.manifest.status in ("draft", "reviewed")
    assert "AI language model" in status.manifest.translated_by or status.manifest.reviewed


@pytest.mark.parametrize("locale", LOCALES)
def test_shipped_catalog_passes_msgfmt_check(locale, tmp_path):
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.skip("GNU gettext's msgfmt is not installed (.ci/run installs it)")
    completed = subprocess.run(
        [msgfmt, "--check", "-o", str(tmp_path / "out.mo"), str(i18n.catalog_path(PROJECT, locale))],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stderr == ""


def test_the_nine_languages_are_shipped():
    assert set(LOCALES) >= {"es", "fr", "de", "pt_BR", "ar", "zh_Hans", "hi", "vi", "ru"}


@pytest.mark.parametrize(
    "path", [i18n.template_path(PROJECT), *(i18n.catalog_path(PROJECT, c) for c in LOCALES)]
)
def test_shipped_catalogs_are_as_gnu_gettext_writes_them(path, tmp_path):
    """A translator who saves a catalog with msgcat (or an editor using GNU's wrapping) changes nothing."""
    msgcat = shutil.which("msgcat")
    if msgcat is None:
        pytest.skip("GNU gettext's msgcat is not installed (make installs it)")
    out = tmp_path / "msgcat.po"
    subprocess.run([msgcat, "--width=79", str(path), "-o", str(out)], check=True)
    assert out.read_bytes() == path.read_bytes()
