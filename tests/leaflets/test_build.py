"""build.py: the matrix, the manifest, skipping what is current, determinism, and failures that do not stop
the others — with real WeasyPrint PDFs."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

import scarleaflets.leaflets.build as build_module
from scarleaflets.cli import cli
from scarleaflets.leaflets.build import Selection, build
from scarleaflets.leaflets.pdf import PdfRenderer

TODAY = dt.date(2026, 6, 1)


@pytest.mark.slow  # over 3 s: six real PDFs
def test_build_writes_every_leaflet_and_a_manifest(leaflet_project, tmp_path):
    out = tmp_path / "out"
    result = build(leaflet_project, TODAY, Selection(), out_dir=out, workers=1)
    assert result.ok, [r.error for r in result.failed]
    names = sorted(r.job.relative for r in result.built)
    assert names == [
        "mini/en/complete-guide.pdf",
        "mini/en/other.pdf",
        "mini/en/sample.pdf",
        "mini/es/complete-guide.pdf",
        "mini/es/other.pdf",
        "mini/es/sample.pdf",
    ]
    manifest = json.loads((out / "manifest.json").read_text())
    entry = manifest["documents"]["mini/es/sample.pdf"]
    assert entry["sha256"] == hashlib.sha256((out / "mini/es/sample.pdf").read_bytes()).hexdigest()
    assert entry["pages"] >= 1
    assert entry["fallbacks"] == 0
    assert set(entry["inputs"]) == {
        "toolchain",
        "fonts",
        "guide",
        "brand",
        "templates",
        "catalog",
        "content",
    }
    assert (out / "mini/es/sample.pdf").read_bytes().startswith(b"%PDF-1.7")
    assert not list(out.rglob("*.tmp"))
    # A preview says so on every page, in its own language, and carries no document reference or version.
    for relative, marking in (
        ("mini/en/complete-guide.pdf", "Preview — not a released leaflet"),
        ("mini/es/sample.pdf", "ES Preview — not a released leaflet"),
    ):
        pages = [page.extract_text() for page in PdfReader(out / relative).pages]
        assert len(pages) >= 2
        assert all(marking in text for text in pages), relative
        assert not any("SL-" in text for text in pages)


@pytest.mark.slow  # over 3 s: four builds
def test_second_build_skips_everything_and_a_catalog_edit_rebuilds_only_its_locale(leaflet_project, tmp_path):
    out = tmp_path / "out"
    build(leaflet_project, TODAY, Selection(), out_dir=out, workers=1)
    again = build(leaflet_project, TODAY, Selection(), out_dir=out, workers=1)
    assert (len(again.built), len(again.skipped)) == (0, 6)
    catalog = leaflet_project.locales_dir / "es" / "LC_MESSAGES" / "messages.po"
    catalog.write_text(catalog.read_text().replace('msgstr "ES A sample topic"', 'msgstr "ES Un tema"'))
    after_edit = build(leaflet_project, TODAY, Selection(), out_dir=out, workers=1)
    assert sorted(r.job.relative for r in after_edit.built) == [
        "mini/es/complete-guide.pdf",
        "mini/es/other.pdf",
        "mini/es/sample.pdf",
    ]
    topic = leaflet_project.content_dir / "treatments" / "other.yaml"
    topic.write_text(topic.read_text().replace("It works.", "It works like this."))
    after_content = build(leaflet_project, TODAY, Selection(), out_dir=out, workers=1)
    # The English changed, so the Spanish message is no longer translated: es is below 100% and withheld.
    assert sorted(r.job.relative for r in after_content.built) == [
        "mini/en/complete-guide.pdf",
        "mini/en/other.pdf",
    ]
    assert [s.locale for s in after_content.withheld] == ["es"]
    forced = build(leaflet_project, TODAY, Selection(locales=("en",)), out_dir=out, workers=1, force=True)
    assert len(forced.built) == 3


@pytest.mark.slow  # over 3 s: three builds
def test_an_upgrade_of_the_rendering_libraries_rebuilds_and_nothing_else_does(
    leaflet_project, tmp_path, monkeypatch
):
    out = tmp_path / "out"
    build(leaflet_project, TODAY, Selection(), out_dir=out, workers=1)
    manifest = json.loads((out / "manifest.json").read_text())
    toolchain = manifest["documents"]["mini/en/sample.pdf"]["inputs"]["toolchain"]
    for name in ("weasyprint", "babel", "cldr", "pango", "fonttools", "pyphen", "jinja2"):
        assert f"{name}=" in toolchain
    # An unrelated package (here the test runner) changing version rebuilds nothing.
    real_version = build_module.metadata.version
    monkeypatch.setattr(
        build_module.metadata, "version", lambda name: "99.0" if name == "pytest" else real_version(name)
    )
    assert len(build(leaflet_project, TODAY, Selection(), out_dir=out, workers=1).built) == 0
    # A new Babel (with its CLDR data) could change dates and names in every leaflet: all are rebuilt.
    monkeypatch.setattr(
        build_module.metadata, "version", lambda name: "2.99.0" if name == "babel" else real_version(name)
    )
    assert len(build(leaflet_project, TODAY, Selection(), out_dir=out, workers=1).built) == 6


def test_same_inputs_give_identical_bytes(leaflet_project, tmp_path):
    selection = Selection(topics=("sample",))
    first = build(leaflet_project, TODAY, selection, out_dir=tmp_path / "a", workers=1)
    second = build(leaflet_project, TODAY, selection, out_dir=tmp_path / "b", workers=2)
    assert len(first.built) == len(second.built) == 2
    for item in first.built:
        assert (tmp_path / "a" / item.job.relative).read_bytes() == (
            tmp_path / "b" / item.job.relative
        ).read_bytes()


def test_a_failing_leaflet_does_not_stop_the_others(leaflet_project, tmp_path):
    """A brand template override that loads from the web fails its leaflet; the rest are built."""
    override = leaflet_project.templates_dir / "brands" / "mini" / "leaflet"
    override.mkdir(parents=True)
    band = (leaflet_project.templates_dir / "leaflet" / "_band.html.j2").read_text()
    override.joinpath("_band.html.j2").write_text(
        band.replace(
            '<div class="band__text">',
            '{% if title == "Another topic" %}<img src="https://tracker.example.com/p.png" alt="">{% endif %}'
            '<div class="band__text">',
        )
    )
    result = build(leaflet_project, TODAY, Selection(locales=("en",)), out_dir=tmp_path / "out", workers=1)
    assert [r.job.relative for r in result.failed] == ["mini/en/other.pdf"]
    assert "refused to load https://tracker.example.com/p.png" in (result.failed[0].error or "")
    assert len(result.built) == 2
    assert not (tmp_path / "out" / "mini/en/other.pdf").exists()


@pytest.mark.slow  # over 3 s: two builds
def test_incomplete_locale_is_withheld_unless_named(leaflet_project, tmp_path):
    catalog = leaflet_project.locales_dir / "es" / "LC_MESSAGES" / "messages.po"
    catalog.write_text(catalog.read_text().replace('msgstr "ES Introduction"', 'msgstr ""'))
    result = build(leaflet_project, TODAY, Selection(), out_dir=tmp_path / "out", workers=1)
    assert {r.job.locale for r in result.built} == {"en"}
    assert [s.locale for s in result.withheld] == ["es"]
    named = build(leaflet_project, TODAY, Selection(locales=("es",)), out_dir=tmp_path / "out", workers=1)
    assert {r.job.locale for r in named.built} == {"es"}
    assert {r.fallbacks for r in named.built if r.job.topic == "sample"} == {1}


def test_build_command_reports_and_exits_on_failure(leaflet_project, tmp_path):
    runner = CliRunner()
    args = ["--project", str(leaflet_project.root), "build", "--out", str(tmp_path / "o"), "--jobs", "1"]
    args += ["--today", TODAY.isoformat()]
    ok = runner.invoke(cli, [*args, "--topic", "sample"], catch_exceptions=False)
    assert ok.exit_code == 0, ok.output
    assert "2 leaflets in" in ok.stdout
    assert "2 built" in ok.stdout
    bad = runner.invoke(cli, [*args, "--brand", "nobody"], catch_exceptions=False)
    assert bad.exit_code == 1
    assert "no brand nobody" in bad.stderr


def test_bad_content_stops_the_build_before_anything_is_rendered(leaflet_project, tmp_path, monkeypatch):
    rendered: list[str] = []
    monkeypatch.setattr(PdfRenderer, "render", lambda self, html, when, identifier: rendered.append(html))
    topic = leaflet_project.content_dir / "topics" / "sample.yaml"
    topic.write_text(topic.read_text().replace("category: understanding", "category: nope"))
    # --jobs 1: the leaflets would be rendered in this process, where the renderer is watched.
    args = ["--project", str(leaflet_project.root), "build", "--out", str(tmp_path / "o"), "--jobs", "1"]
    result = CliRunner().invoke(cli, [*args, "--today", TODAY.isoformat()], catch_exceptions=False)
    assert rendered == []
    assert result.exit_code == 1
    assert "content/topics/sample.yaml:3: category" in result.stderr
    assert not (tmp_path / "o").exists()


def test_large_print_builds_a_16_pt_edition_beside_each_leaflet(leaflet_project, tmp_path):
    from collections import Counter

    from scarleaflets.leaflets.audit.pages import read_pages

    out = tmp_path / "out"
    selection = Selection(locales=("en",), topics=("sample",), large_print=True)
    result = build(leaflet_project, TODAY, selection, out_dir=out, workers=1)
    assert result.ok, [r.error for r in result.failed]
    assert sorted(r.job.relative for r in result.built) == [
        "mini/en/sample-large-print.pdf",
        "mini/en/sample.pdf",
    ]
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["documents"]["mini/en/sample-large-print.pdf"]["large_print"] is True
    assert "large_print" not in manifest["documents"]["mini/en/sample.pdf"]
    sizes = {}
    for name in ("sample", "sample-large-print"):
        pages = read_pages((out / f"mini/en/{name}.pdf").read_bytes())
        sizes[name] = Counter(g.size for page in pages for g in page.glyphs)
    # The sample is short: its notes outnumber its body text, so the body size is looked for, not counted.
    assert 12 in sizes["sample"]
    assert min(sizes["sample"]) == 10
    large = sizes["sample-large-print"]
    assert 16 in large
    assert min(large) == 12  # the running header and footer: two lines of 12 pt fit the margins
    assert 14 in large  # the notes
    assert not {10, 11} & set(large)
    assert all(not r.findings for r in result.built), [r.findings for r in result.built]


def test_the_audit_holds_a_large_print_edition_to_the_large_print_floor(
    leaflet_project, tmp_path, monkeypatch
):
    """Every render (build and release alike) audits a large-print leaflet as one: with the floor raised above
    its 14 pt notes, the large-print edition has a finding and the standard one none."""
    import scarleaflets.leaflets.audit.typesize as typesize

    monkeypatch.setattr(typesize, "LARGE_PRINT_NOTE_PT", 15.0)
    selection = Selection(locales=("en",), topics=("sample",), large_print=True)
    result = build(leaflet_project, TODAY, selection, out_dir=tmp_path / "out", workers=1)
    findings = {item.job.relative: item.findings for item in result.built}
    assert findings["mini/en/sample.pdf"] == ()
    assert any(
        "(typesize)" in finding and "under the 15 pt minimum for large print" in finding
        for finding in findings["mini/en/sample-large-print.pdf"]
    ), findings
