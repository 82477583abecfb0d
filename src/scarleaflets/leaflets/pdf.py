"""HTML -> PDF bytes with WeasyPrint, loading only what the project allows (no files, no database here).

:class:`RestrictedFetcher` is the only way a document can load anything: files inside the project's asset
folders (``content/``, ``fonts/``, ``templates/``) and ``data:`` URIs. Everything else — ``file://`` elsewhere,
``http(s)://``, ``/dev/*``, other schemes — is refused and stops the document with a clear error.

PDFs are tagged (PDF/UA-1: structure tags, title, language), and reproducible: the document identifier is
derived from the inputs and the document's dates come from its HTML metadata, so the same inputs give the same
bytes. Font subsets are made by HarfBuzz, which keeps each font's own dates; where WeasyPrint falls back to
fontTools (no HarfBuzz-subset, variable, colour or WOFF fonts), fontTools stamps the font with
``SOURCE_DATE_EPOCH``, or with the clock when it is unset. So this module sets ``SOURCE_DATE_EPOCH`` once, when
it is imported (before any render, and only if the process has not set it already), to
:data:`FONT_TIMESTAMP_EPOCH`. It is never changed per render: the environment is process-wide, and renders run
in several threads at once.
"""

from __future__ import annotations

import datetime as dt
import logging
import mimetypes
import os
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from ..errors import ScarleafletsError
from . import actualtext, placed_glyphs

PDF_VARIANT = "pdf/ua-1"
ASSET_FOLDERS = ("content", "fonts", "templates")
# The date fontTools writes into the fonts it saves (2000-01-01T00:00:00Z): fixed, so equal inputs give equal
# bytes whatever the day. Set once at import time, never per render (see the module docstring).
FONT_TIMESTAMP_EPOCH = "946684800"
os.environ.setdefault("SOURCE_DATE_EPOCH", FONT_TIMESTAMP_EPOCH)
# Clusters whose glyphs the font's ToUnicode map cannot spell (Devanagari) carry their text as /ActualText.
actualtext.install()
# Marks drawn off their pen position (Arabic harakat) become glyphs of their own drawn in place.
placed_glyphs.install()


class RefusedResource(FatalURLFetchingError):  # type: ignore[misc]
    """Raised inside WeasyPrint to stop a document that tries to load something it must not."""


class RenderError(ScarleafletsError):
    """A document could not be rendered."""


class RestrictedFetcher(URLFetcher):  # type: ignore[misc]
    def __init__(self, roots: Sequence[Path]) -> None:
        super().__init__(allowed_protocols=["file", "data"], allow_redirects=False, fail_on_errors=True)
        self.roots = [root.resolve() for root in roots]
        self.refused: list[str] = []

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:  # noqa: ANN401 (WeasyPrint's signature)
        scheme = url.partition(":")[0].lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file":
            path = Path(url2pathname(urlsplit(url).path)).resolve()
            allowed = any(path.is_relative_to(root) for root in self.roots)
            if allowed and path.is_file() and not path.is_relative_to("/dev"):
                mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime})
        shown = url if len(url) <= 80 else url[:77] + "..."
        self.refused.append(url)
        raise RefusedResource(
            f"refused to load {shown}: a leaflet may only load files from the project's "
            f"{', '.join(ASSET_FOLDERS)} folders and data: URIs"
        )


@dataclass(frozen=True)
class RenderedPdf:
    data: bytes
    pages: int
    warnings: tuple[str, ...]


class _Collect(logging.Handler):
    """WeasyPrint's warnings about one render: those logged by the thread that renders it (WeasyPrint renders
    in the calling thread; the logger is shared by every thread)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.thread = threading.get_ident()
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.thread == self.thread:
            self.messages.append(record.getMessage())


@contextmanager
def _weasyprint_warnings() -> Iterator[_Collect]:
    handler = _Collect()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)


class PdfRenderer:
    """One long-lived WeasyPrint renderer per process: fonts are loaded once and reused."""

    def __init__(self, project_root: Path) -> None:
        self.root = project_root.resolve()
        self.roots = [self.root / folder for folder in ASSET_FOLDERS]
        self.font_config = FontConfiguration()

    def render(self, html: str, when: dt.date, identifier: bytes) -> RenderedPdf:
        """``when`` is the document's date, which its HTML metadata already carries (kept for callers)."""
        fetcher = RestrictedFetcher(self.roots)
        with _weasyprint_warnings() as collected:
            try:
                document = HTML(string=html, base_url=self.root.as_uri() + "/", url_fetcher=fetcher).render(
                    font_config=self.font_config, pdf_variant=PDF_VARIANT
                )
                data = document.write_pdf(pdf_variant=PDF_VARIANT, pdf_identifier=identifier)
            except RefusedResource as exc:
                raise RenderError(str(exc)) from None
        return RenderedPdf(bytes(data), len(document.pages), tuple(collected.messages))
