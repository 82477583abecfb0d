"""extract.py: one message per text with real line numbers, stable contexts and translator notes; the
standard `pybabel extract` with the project's mapping yields the same messages."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.extract import extract
from babel.messages.pofile import read_po

from scarleaflets.errors import ContentError
from scarleaflets.i18n import template_path

from ..conftest import DATA, REPO, add_layers

SAMPLE = DATA / "mini" / "content" / "topics" / "sample.yaml"


def _extract(path: Path):
    with path.open("rb") as handle:
        return list(extract("scarleaflets.i18n.extract:extract_content", handle))


def test_extractor_yields_ids_contexts_lines_and_notes():
    found = {(context, message): (line, comments) for line, message, comments, context in _extract(SAMPLE)}
    assert found[("sample/title", "A sample topic")] == (2, [])
    assert found[("sample/summary", "The first point.")] == (5, [])
    assert found[("sample/intro", "Introduction")][0] == 10
    assert found[("sample/intro", "A short paragraph.")][0] == 12
    assert found[("sample/intro", "No")][0] == 14
    assert found[("sample/compare", "The first, with a comma")][0] == 24
    assert found[("sample/compare", "Ask your clinician.")] == (27, ["A note for translators."])
    assert found[("sample/questions", "Is this a question?")][0] == 30
    assert found[("sample/figure/drawing", "A plain square.")][0] == 34
    assert found[("sample/figure/drawing", "A drawing of a square.")][0] == 35


def test_contexts_survive_reordering_and_editing(tmp_path):
    """Moving a paragraph or editing another leaves every other message's (context, text) key unchanged."""
    text = SAMPLE.read_text()
    edited = text.replace("      - paragraph: A short paragraph.\n", "").replace(
        "      - figure: drawing\n", "      - figure: drawing\n      - paragraph: A short paragraph.\n"
    )
    edited = edited.replace("Ask your clinician.", "Ask your clinician first.")
    target = tmp_path / "content" / "topics" / "sample.yaml"
    target.parent.mkdir(parents=True)
    (tmp_path / "content" / "figures").mkdir()
    (tmp_path / "content" / "figures" / "ok.svg").write_text(
        (DATA / "mini/content/figures/ok.svg").read_text()
    )
    target.write_text(edited)
    before = {(c, m) for _, m, _, c in _extract(SAMPLE)}
    after = {(c, m) for _, m, _, c in _extract(target)}
    assert before - after == {("sample/compare", "Ask your clinician.")}
    assert after - before == {("sample/compare", "Ask your clinician first.")}


def test_extractor_refuses_invalid_content_with_file_and_line(tmp_path):
    target = tmp_path / "content" / "topics" / "sample.yaml"
    target.parent.mkdir(parents=True)
    target.write_text(SAMPLE.read_text().replace("category: understanding", "category: nope"))
    with pytest.raises(ContentError, match=r"content/topics/sample\.yaml:3: category"):
        _extract(target)


def test_files_without_content_give_no_messages():
    assert list(extract("scarleaflets.i18n.extract:extract_content", io.BytesIO(b"a: b\n"))) == []


def test_template_holds_content_and_template_strings(catalog_project):
    catalog = read_po(io.BytesIO(template_path(catalog_project).read_bytes()))
    ids = {(m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in catalog if m.id}
    assert ("guide/title", "Test guide") in ids
    assert ("sample/intro", "A short paragraph.") in ids
    assert (None, "Page %(page)s of %(pages)s") in ids
    assert (None, "%(num)d minute to read") in ids
    trans = next(
        m for m in catalog if m.id == "This translation has not yet been reviewed by a medical translator."
    )
    assert trans.locations == [("templates/sample.html.j2", 6)]
    assert "printed on every leaflet" in " ".join(trans.auto_comments)


def test_pybabel_extract_gives_the_same_messages_as_ours(catalog_project, tmp_path):
    """The standard command line, with the repository's mapping, on the same project."""
    output = tmp_path / "pybabel.pot"
    pybabel = Path(sys.executable).with_name("pybabel")
    completed = subprocess.run(
        [
            str(pybabel),
            "extract",
            "-F",
            str(REPO / "babel.cfg"),
            "-c",
            "Translators:",
            "-o",
            str(output),
            ".",
        ],
        cwd=catalog_project.root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr

    def keyed(path: Path):
        return {
            (m.context, m.id if isinstance(m.id, str) else tuple(m.id), tuple(m.locations))
            for m in read_po(io.BytesIO(path.read_bytes()))
            if m.id
        }

    ours = keyed(template_path(catalog_project))
    assert ours == keyed(output)
    assert len(ours) > 40


def test_the_labels_of_a_figures_layers_are_messages_with_a_note_for_translators(mini_project):
    found = {
        (context, message): (line, comments)
        for line, message, comments, context in _extract(add_layers(mini_project))
    }
    for line, label in ((37, "Epidermis"), (38, "Dermis"), (39, "Subcutaneous fat")):
        at, comments = found[("sample/figure/layers", label)]
        assert at == line
        assert len(comments) == 1
        assert comments[0].startswith("A label beside a drawing of skin seen from the side")
