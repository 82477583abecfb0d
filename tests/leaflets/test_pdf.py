"""pdf.py: the restricted fetcher refuses everything outside the project's asset folders; PDFs are tagged,
titled, in the right language, with embedded fonts and searchable text; the same HTML gives the same bytes."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from pypdf import PdfReader

from scarleaflets.leaflets.pdf import PdfRenderer, RefusedResource, RenderError, RestrictedFetcher

WHEN = dt.date(2026, 6, 1)


def _html(body: str, lang: str = "en") -> str:
    return f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>Test title</title></head><body>{body}</body></html>'


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/tracker.png",
        "http://127.0.0.1:9/x.png",
        "file:///etc/passwd",
        "file:///dev/zero",
        "ftp://example.com/x",
        "javascript:alert(1)",
    ],
)
def test_fetcher_refuses_anything_outside_the_asset_folders(mini_project, url):
    fetcher = RestrictedFetcher([mini_project / "content"])
    with pytest.raises(RefusedResource, match="refused to load"):
        fetcher.fetch(url)
    assert fetcher.refused == [url]


def test_fetcher_refuses_paths_that_climb_out_and_symlinks_that_leave(mini_project, tmp_path):
    fetcher = RestrictedFetcher([mini_project / "content"])
    climbing = "file://" + str(mini_project / "content") + "/../../secret.svg"
    (tmp_path / "secret.svg").write_text("<svg/>")
    with pytest.raises(RefusedResource):
        fetcher.fetch(climbing)
    (mini_project / "content" / "link.svg").symlink_to(tmp_path / "secret.svg")
    with pytest.raises(RefusedResource):
        fetcher.fetch((mini_project / "content" / "link.svg").as_uri())


def test_fetcher_serves_asset_files_and_data_uris(mini_project):
    fetcher = RestrictedFetcher([mini_project / "content"])
    figure = fetcher.fetch((mini_project / "content" / "figures" / "ok.svg").as_uri())
    assert figure.content_type == "image/svg+xml"
    assert b"<svg" in figure.read()
    assert fetcher.fetch("data:text/plain,hello").read() == b"hello"


def test_a_document_that_loads_a_local_file_fails_and_leaks_nothing(mini_project):
    renderer = PdfRenderer(mini_project)
    secret = mini_project.parent / "secret.txt"
    secret.write_text("TOP-SECRET-PATIENT-LIST")
    html = _html(f'<p>Hi</p><img src="{secret.as_uri()}"><object data="file:///etc/hostname"></object>')
    with pytest.raises(RenderError, match="refused to load file://"):
        renderer.render(html, WHEN, b"id")
    css_attack = _html(f'<style>body {{ background: url("{secret.as_uri()}") }}</style><p>Hi</p>')
    with pytest.raises(RenderError, match="refused to load"):
        renderer.render(css_attack, WHEN, b"id")


def test_pdf_is_tagged_titled_in_its_language_with_embedded_fonts(mini_project):
    style = (
        '<style>@font-face { font-family: "Noto Sans"; src: url("fonts/NotoSans-Regular.ttf"); }'
        'body { font-family: "Noto Sans"; }</style>'
    )
    pdf = PdfRenderer(mini_project).render(_html(style + "<h1>Bonjour</h1><p>Éléments</p>", "fr"), WHEN, b"x")
    assert pdf.pages == 1
    assert pdf.warnings == ()
    reader = PdfReader(io.BytesIO(pdf.data))
    root = reader.trailer["/Root"]
    assert reader.metadata.title == "Test title"
    assert root["/Lang"] == "fr"
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert "Éléments" in reader.pages[0].extract_text()
    fonts = reader.pages[0]["/Resources"]["/Font"]
    for font in fonts.values():
        font = font.get_object()
        if "/DescendantFonts" in font:
            font = font["/DescendantFonts"][0].get_object()
        descriptor = font["/FontDescriptor"]
        assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
        assert re.match(r"/[A-Z]{6}\+Noto", str(descriptor["/FontName"]))


def test_same_html_same_bytes(mini_project):
    renderer = PdfRenderer(mini_project)
    html = _html("<h1>Same</h1><p>Bytes</p>")
    assert renderer.render(html, WHEN, b"id").data == PdfRenderer(mini_project).render(html, WHEN, b"id").data


def test_rendering_leaves_the_environment_alone_and_font_dates_ignore_the_clock(mini_project, monkeypatch):
    """No render changes the process environment (threads share it); where fontTools subsets a font (the
    fallback when HarfBuzz-subset is missing), the font carries the fixed date, not the clock."""
    import os
    import time

    import weasyprint.pdf.fonts

    monkeypatch.setattr(weasyprint.pdf.fonts, "harfbuzz_subset", None)  # force the fontTools path
    style = (
        '<style>@font-face { font-family: "Noto Sans"; src: url("fonts/NotoSans-Regular.ttf"); }'
        'body { font-family: "Noto Sans"; }</style>'
    )
    html = _html(style + "<p>Same bytes, any day</p>")
    before = dict(os.environ)
    first = PdfRenderer(mini_project).render(html, WHEN, b"id")
    assert dict(os.environ) == before
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() + 400 * 86400)
    later = PdfRenderer(mini_project).render(html, WHEN, b"id")
    assert any("fontTools" in warning for warning in first.warnings)
    assert later.data == first.data
