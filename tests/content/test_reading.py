"""content/reading.py: the shipped content loads; every bad file under tests/data/bad gets its exact message."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from scarleaflets.content import (
    SKIN_LAYERS,
    TREATMENT_SECTIONS,
    BulletList,
    Callout,
    FigureRef,
    Paragraph,
    Table,
    load_content,
)
from scarleaflets.content.schema import LayersDocument
from scarleaflets.errors import ContentError

from ..conftest import DATA, FIXTURE_TODAY, SHIPPED_TODAY, add_layers

BAD = sorted((DATA / "bad").glob("*.yaml"))


def _directives(path: Path) -> tuple[str, list[str]]:
    """The '# as:' target (default: replaces the sample topic) and the '# expect:' lines of a bad file."""
    target = "content/topics/sample.yaml"
    expected = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# as: "):
            target = line.removeprefix("# as: ").strip()
        elif line.startswith("# expect: "):
            expected.append(line.removeprefix("# expect: ").strip())
    return target, expected


def test_mini_project_loads(mini_project):
    content = load_content(mini_project, FIXTURE_TODAY)
    assert [t.id for t in content] == ["sample", "other"]
    sample = content.topics["sample"]
    assert sample.file == "content/topics/sample.yaml"
    intro = sample.sections[0]
    assert isinstance(intro.blocks[0], Paragraph)
    assert intro.blocks[0].text.text == "A short paragraph."
    assert intro.blocks[0].text.line == 12
    assert isinstance(intro.blocks[1], BulletList)
    # YAML 1.1 would turn these into booleans; text stays text.
    assert [item.text for item in intro.blocks[1].items] == ["No", "Yes"]
    assert isinstance(intro.blocks[2], FigureRef)
    table = sample.sections[1].blocks[0]
    assert isinstance(table, Table)
    assert [c.text for c in table.rows[0]] == ["One", "The first, with a comma"]
    callout = sample.sections[1].blocks[1]
    assert isinstance(callout, Callout)
    assert callout.kind == "clinician"
    assert callout.text.note == "A note for translators."
    figure = sample.figure("drawing")
    assert figure.file == "figures/ok.svg"
    assert figure.path == (mini_project / "content" / "figures" / "ok.svg").resolve()
    assert sample.sources[1].link == "https://doi.org/10.1067/mjd.2001.113451"
    assert sample.review.reviewed_on == dt.date(2026, 1, 10)
    assert sample.sources[1].citation == "Doe J, Roe R. An article. A journal. 2001;45(1):109–117."
    assert sample.sources[0].citation.endswith(", 2024.")
    assert sample.review.due_line == 50


def test_messages_have_stable_contexts(mini_project):
    sample = load_content(mini_project, FIXTURE_TODAY).topics["sample"]
    contexts = [context for context, _ in sample.messages()]
    assert contexts[0] == "sample/title"
    assert "sample/intro" in contexts
    assert "sample/compare" in contexts
    assert "sample/figure/drawing" in contexts
    texts = [msg.text for _, msg in sample.messages()]
    assert "The first, with a comma" in texts
    assert "Is this a question?" in texts


@pytest.mark.parametrize("bad_file", BAD, ids=[p.stem for p in BAD])
def test_bad_content_is_reported_precisely(mini_project, bad_file):
    target, expected = _directives(bad_file)
    assert expected, f"{bad_file.name} has no '# expect:' line"
    shutil.copyfile(bad_file, mini_project / target)
    with pytest.raises(ContentError) as info:
        load_content(mini_project, FIXTURE_TODAY)
    reported = [str(p) for p in info.value.problems]
    for message in expected:
        assert message in reported, f"{bad_file.name}: expected {message!r}, got {reported}"


def test_there_are_at_least_fifteen_bad_examples():
    assert len(BAD) >= 15


def test_all_problems_in_all_files_are_reported_in_one_run(mini_project):
    sample = mini_project / "content/topics/sample.yaml"
    other = mini_project / "content/treatments/other.yaml"
    sample.write_text(sample.read_text().replace("category: understanding", "category: nonsense"))
    other.write_text(other.read_text().replace("year: 2021", "year: twenty"))
    (mini_project / "content/guide.yaml").write_text(
        (mini_project / "content/guide.yaml").read_text().replace("[sample, other]", "[sample, other, ghost]")
    )
    with pytest.raises(ContentError) as info:
        load_content(mini_project, FIXTURE_TODAY)
    files = {p.file for p in info.value.problems}
    assert files == {"content/topics/sample.yaml", "content/treatments/other.yaml", "content/guide.yaml"}
    assert "3 problems found" in str(info.value)


def test_missing_guide_is_reported(mini_project):
    (mini_project / "content/guide.yaml").unlink()
    with pytest.raises(ContentError, match=r"content/guide.yaml: missing"):
        load_content(mini_project, FIXTURE_TODAY)


def test_empty_content_folder_is_reported(tmp_path):
    (tmp_path / "content").mkdir()
    with pytest.raises(ContentError, match=r"guide\.yaml: missing"):
        load_content(tmp_path, FIXTURE_TODAY)


def test_unreadable_encoding_is_reported(mini_project):
    (mini_project / "content/topics/sample.yaml").write_bytes(b"id: sample\ntitle: caf\xe9\n")
    with pytest.raises(ContentError, match=r"sample.yaml: not UTF-8 text"):
        load_content(mini_project, FIXTURE_TODAY)


def test_shipped_content_is_valid(repo_root):
    content = load_content(repo_root, SHIPPED_TODAY)
    assert len(content.topics) >= 19


def test_shipped_treatments_cover_every_required_section(shipped_content):
    for topic in shipped_content:
        if topic.category == "treatment":
            assert set(TREATMENT_SECTIONS) <= {s.id for s in topic.sections}, topic.id


def test_mangled_files_never_crash_the_loader(mini_project):
    """Random damage to a valid topic (lines dropped, doubled, re-indented; characters swapped) gives either
    a valid topic or problems with file and line, never an exception of another kind."""
    import random

    topic = mini_project / "content/topics/sample.yaml"
    original = topic.read_text().splitlines()
    rng = random.Random(20261125)
    for _ in range(300):
        lines = list(original)
        for _ in range(rng.randint(1, 3)):
            index = rng.randrange(len(lines))
            action = rng.choice(["drop", "double", "indent", "dedent", "char", "colon", "dash"])
            line = lines[index]
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
            elif action == "colon":
                lines[index] = line + ": x"
            else:
                lines[index] = "- " + line.lstrip()
        topic.write_text("\n".join(lines) + "\n")
        problems = []
        try:
            load_content(mini_project, FIXTURE_TODAY)
        except ContentError as exc:
            problems = exc.problems
        assert all(p.file.startswith("content/") for p in problems)


def test_a_figure_labels_the_layers_it_declares_from_the_top_down(mini_project):
    add_layers(mini_project)
    sample = load_content(mini_project, FIXTURE_TODAY).topics["sample"]
    figure = sample.figure("drawing")
    assert figure.height == 10
    assert [(layer.name, layer.top, layer.bottom) for layer in figure.layers] == [
        ("epidermis", 0, 2),
        ("dermis", 2, 7),
        ("fat", 7, 10),
    ]
    labels = [(layer.label.text, layer.label.line) for layer in figure.layers]
    assert labels == [("Epidermis", 37), ("Dermis", 38), ("Subcutaneous fat", 39)]
    assert all("drawing of skin" in (layer.label.note or "") for layer in figure.layers)
    layer_messages = [msg.text for context, msg in sample.messages() if context == "sample/figure/layers"]
    assert layer_messages == ["Epidermis", "Dermis", "Subcutaneous fat"]


def test_every_layer_of_skin_can_be_declared_and_has_a_label():
    assert list(LayersDocument.model_fields) == list(SKIN_LAYERS)


def test_a_figure_without_layers_labels_none(mini_project):
    figure = load_content(mini_project, FIXTURE_TODAY).topics["sample"].figure("drawing")
    assert figure.layers == ()
    assert not any(
        context.endswith("/layers")
        for context, _ in load_content(mini_project, FIXTURE_TODAY).topics["sample"].messages()
    )


def test_layers_need_a_drawing_with_a_height(mini_project):
    add_layers(mini_project)
    drawing = mini_project / "content" / "figures" / "ok.svg"
    drawing.write_text('<svg xmlns="http://www.w3.org/2000/svg"><rect width="10" height="10"/></svg>')
    with pytest.raises(ContentError) as caught:
        load_content(mini_project, FIXTURE_TODAY)
    assert "content/topics/sample.yaml:36: figures[0].layers: the drawing has no viewBox (or height)" in str(
        caught.value
    )
