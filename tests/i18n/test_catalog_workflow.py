"""Field trials of the translation workflow on a copy of the real project, with GNU gettext and polib.

The editor edits one English sentence, then runs `i18n extract` and `i18n update`; a translator starts a new
language with `i18n init`. Every catalog written must stay readable by the tools translators use: GNU
`msgfmt --check`, polib (as Poedit-like editors read it), and `msgcat`, which must not rewrap anything.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from click.testing import CliRunner

from scarleaflets import i18n
from scarleaflets.cli import cli
from scarleaflets.config import open_project

from ..conftest import REPO

OLD = "A mark is a flat patch of skin that is a different color after a spot heals."
NEW = "A mark is a flat patch of skin that stays a different color after a spot has healed."

MSGFMT = shutil.which("msgfmt") or "msgfmt"
MSGCAT = shutil.which("msgcat") or "msgcat"
pytestmark = pytest.mark.skipif(
    shutil.which("msgfmt") is None or shutil.which("msgcat") is None,
    reason="GNU gettext is not installed (make installs it)",
)


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    for folder in ("content", "locales", "templates"):
        shutil.copytree(REPO / folder, root / folder)
    for name in ("babel.cfg", "scarleaflets.toml"):
        shutil.copyfile(REPO / name, root / name)
    (root / "fonts").symlink_to(REPO / "fonts", target_is_directory=True)
    return root


def run(root: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, ["--project", str(root), *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def assert_clean_for_translators(path: Path, tmp_path: Path) -> polib.POFile:
    checked = subprocess.run(
        [MSGFMT, "--check", "-o", "/dev/null", str(path)], capture_output=True, text=True, check=False
    )
    assert checked.returncode == 0, checked.stderr
    assert checked.stderr == ""
    saved = tmp_path / f"{path.parent.parent.name}-msgcat.po"
    subprocess.run([MSGCAT, "--width=79", str(path), "-o", str(saved)], check=True)
    assert saved.read_bytes() == path.read_bytes(), f"msgcat rewraps {path}"
    return polib.pofile(str(path))  # raises on anything it cannot read


@pytest.mark.slow  # over 3 s: extracts and updates all nine shipped catalogs
def test_an_english_edit_then_extract_and_update_leaves_every_catalog_clean(project_copy, tmp_path):
    topic = project_copy / "content" / "topics" / "marks-vs-scars.yaml"
    topic.write_text(topic.read_text().replace(OLD, NEW))
    run(project_copy, "i18n", "extract")
    output = run(project_copy, "i18n", "update")
    project = open_project(project_copy)
    locales = i18n.discover_locales(project)
    assert len(locales) >= 9
    assert output.count("updated ") == len(locales)
    for locale in locales:
        path = i18n.catalog_path(project, locale)
        po = assert_clean_for_translators(path, tmp_path)
        (entry,) = [e for e in po if e.msgid == NEW]
        assert entry.fuzzy
        assert entry.previous_msgid == OLD  # Poedit and Weblate show the translator what changed
        assert entry.msgstr  # the old translation is kept as a draft for the new English
        assert [e.msgid for e in po.fuzzy_entries()] == [NEW]
    problems, _ = i18n.check_locales(project, locales)
    assert problems == []
    # Running update again changes nothing: the files are a fixed point.
    before = {code: i18n.catalog_path(project, code).read_bytes() for code in locales}
    run(project_copy, "i18n", "update")
    assert {code: i18n.catalog_path(project, code).read_bytes() for code in locales} == before


def test_a_new_language_starts_clean(project_copy, tmp_path):
    run(project_copy, "i18n", "init", "pl", "--translated-by", "a test")
    path = i18n.catalog_path(open_project(project_copy), "pl")
    po = assert_clean_for_translators(path, tmp_path)
    assert po.metadata["Plural-Forms"].startswith("nplurals=3;")
    assert len(po) == len(polib.pofile(str(project_copy / "locales" / "messages.pot")))


def test_the_template_written_by_extract_is_clean(project_copy):
    run(project_copy, "i18n", "extract")
    pot = project_copy / "locales" / "messages.pot"
    saved = subprocess.run([MSGCAT, "--width=79", str(pot)], capture_output=True, check=True).stdout
    assert saved == pot.read_bytes()
    polib.pofile(str(pot))
