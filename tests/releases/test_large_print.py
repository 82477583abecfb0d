"""The large-print edition in releases (issue 13): a brand with ``large_print: true`` gets, beside each released
leaflet, its large-print edition — a released document with its own reference and version, no preview mark,
body text of 16 pt read back from the PDF, audited to the large-print floor, and incremental like the standard
edition. A brand without it gets none.

The project: the mini project's clinic ``mini`` in English and Arabic (an Arabic word before each English
text: right-to-left pages with Arabic glyphs) with large print, and a second clinic ``plain`` in English
without. One release renders real PDFs (WeasyPrint); the incremental rules are tried with stand-in PDFs.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from scarleaflets import i18n
from scarleaflets.leaflets.audit.pages import Glyph, read_pages

from ..conftest import REPO, copy_mini, make_catalog_project, release_project, translate_all

NOW = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)
DOCUMENTS = ("sample", "other", "complete-guide")
BODY_SENTENCE = "A short paragraph."  # a paragraph of the sample topic: body text
BODY_WORDS = "A short paragraph"  # its glyphs (in a right-to-left page, the full stop is drawn before them)


def large_print_project(root: Path) -> Path:
    """The mini project with Arabic and large print for its clinic, and a second clinic without large print."""
    copy_mini(root)
    shutil.copytree(REPO / "templates", root / "templates", dirs_exist_ok=True)
    project = make_catalog_project(root)
    i18n.init_locale(project, "ar", NOW, "test translator")
    translate_all(project, "ar", "نص")
    brands = root / "content" / "brands"
    mini = (brands / "mini.yaml").read_text()
    plain = mini.replace("id: mini", "id: plain").replace("Mini Clinic", "Plain Clinic")
    (brands / "plain.yaml").write_text(plain)
    mini = mini.replace("locales: [en]", "locales: [en, ar]").replace(
        "paper: A4\n", "paper: A4\nlarge_print: true\n"
    )
    (brands / "mini.yaml").write_text(mini)
    return root


def _manifest(root: Path, number: int) -> dict:
    return json.loads((root / "releases" / str(number) / "manifest.json").read_text())


def _pdf(root: Path, number: int, key: str) -> bytes:
    return (root / "releases" / str(number) / "leaflets" / f"{key}.pdf").read_bytes()


def _keys(brand: str, locales: tuple[str, ...], large_print: bool) -> set[str]:
    editions = ("", "-large-print") if large_print else ("",)
    return {f"{brand}/{code}/{doc}{edition}" for code in locales for doc in DOCUMENTS for edition in editions}


def _sizes(glyphs: list[Glyph], text: str) -> set[float]:
    """The sizes of the glyphs that spell ``text`` (without its spaces) on a page."""
    wanted = text.replace(" ", "")
    chars = "".join(glyph.char for glyph in glyphs)
    start = chars.find(wanted)
    assert start >= 0, f"{text!r} not found"
    return {glyph.size for glyph in glyphs[start : start + len(wanted)]}


@pytest.mark.slow  # fifteen real leaflets
def test_a_release_renders_the_large_print_edition_of_every_leaflet_of_a_brand_that_asks(tmp_path):
    root = large_print_project(tmp_path / "project")
    result = release_project(root, now=NOW)
    manifest = _manifest(root, 1)
    large = _keys("mini", ("en", "ar"), True)
    assert set(manifest["leaflets"]) == large | _keys("plain", ("en",), False)  # none for plain
    assert sorted(result.rendered) == sorted(manifest["leaflets"])
    assert not [line for line in result.warnings if "typesize" in line], result.warnings  # audited: 14/12 pt
    for key in large - _keys("mini", ("en", "ar"), False):
        entry = manifest["leaflets"][key]
        standard = manifest["leaflets"][key.removesuffix("-large-print")]
        assert entry["edition"] == "large-print"
        assert standard["edition"] == "standard"
        assert entry["reference"] == standard["reference"] + "-LP"
        assert (entry["document"], entry["version"]) == (standard["document"], 1)
        assert entry["inputs_hash"] != standard["inputs_hash"]
        assert entry["inputs"]["edition"] == "large-print"
        assert "edition" not in standard["inputs"]
        pdf = _pdf(root, 1, key)
        assert entry["sha256"] == hashlib.sha256(pdf).hexdigest()
        assert entry["pages"] >= standard["pages"] >= 1, key  # the same text, on as many pages or more
        text = [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]
        assert all(f"{entry['reference']} v1 · {entry['date']}" in page for page in text), key
        assert not any("Preview" in page for page in text), key
        standard_pages = PdfReader(io.BytesIO(_pdf(root, 1, key.removesuffix("-large-print")))).pages
        # The mini topics await a clinician's approval: both editions say DRAFT on every page.
        assert all("DRAFT" in page for page in [*text, *(p.extract_text() for p in standard_pages)]), key
    for code in ("en", "ar"):
        pages = read_pages(_pdf(root, 1, f"mini/{code}/sample-large-print"))
        glyphs = [glyph for page in pages for glyph in page.glyphs]
        assert min(_sizes(glyphs, BODY_WORDS)) >= 16, code  # the body, measured in the PDF
        assert min(glyph.size for glyph in glyphs) == 12  # only the running header and footer
        standard = read_pages(_pdf(root, 1, f"mini/{code}/sample"))
        assert max(_sizes([g for page in standard for g in page.glyphs], BODY_WORDS)) == 12, code
    assert "نص" in "".join(page.text for page in read_pages(_pdf(root, 1, "mini/ar/sample-large-print")))
    assert not list((root / "releases" / "1" / "leaflets" / "plain").rglob("*large-print*"))
    # Nothing changed: nothing is rendered, every leaflet keeps its version and bytes.
    again = release_project(root, now=NOW)
    assert again.rendered == []
    assert again.reused == len(manifest["leaflets"])
    assert _pdf(root, 2, "mini/ar/sample-large-print") == _pdf(root, 1, "mini/ar/sample-large-print")


def test_large_print_leaflets_are_rendered_again_carried_and_dropped_as_their_brand_and_text_say(tmp_path):
    """Stand-in PDFs: which leaflets a release renders, reuses and carries is the real release's decision."""
    root = large_print_project(tmp_path / "project")
    release_project(root, stand_in_pdfs=True, now=NOW)
    # An English edit: Arabic falls below 100% and is held back; the leaflets holding the sentence are
    # rendered again in both editions, each with its next version; Arabic keeps release 1's, large print too.
    topic = root / "content" / "topics" / "sample.yaml"
    topic.write_text(topic.read_text().replace(BODY_SENTENCE, "A short paragraph, now longer."))
    second = release_project(root, stand_in_pdfs=True, now=NOW)
    assert second.languages["ar"]["served_from"] == 1
    holding = {"sample", "complete-guide"}
    assert set(second.rendered) == {
        f"{brand}/en/{doc}{edition}"
        for brand, editions in (("mini", ("", "-large-print")), ("plain", ("",)))
        for doc in holding
        for edition in editions
    }
    leaflets = _manifest(root, 2)["leaflets"]
    assert leaflets["mini/en/sample-large-print"]["version"] == 2
    assert leaflets["mini/en/other-large-print"]["version"] == 1
    carried = leaflets["mini/ar/sample-large-print"]
    assert (carried["served_from"], carried["rendered"], carried["version"]) == (1, False, 1)
    assert set(leaflets) == _keys("mini", ("en", "ar"), True) | _keys("plain", ("en",), False)
    # The clinic stops asking for large print: no large-print leaflet is released for it, carried or not.
    brand = root / "content" / "brands" / "mini.yaml"
    brand.write_text(brand.read_text().replace("large_print: true", "large_print: false"))
    third = release_project(root, stand_in_pdfs=True, now=NOW)
    assert third.rendered == []
    assert set(_manifest(root, 3)["leaflets"]) == _keys("mini", ("en", "ar"), False) | _keys(
        "plain", ("en",), False
    )
    assert not list((root / "releases" / "3" / "leaflets").rglob("*large-print*"))
