"""Clickable links: the PDF has a URI link annotation for each outside link the leaflet must carry.

Two sets are compared with the ``/URI`` actions of the PDF's link annotations (read with PDFium):

- the clinic's contact links, which every leaflet carries whatever its templates do
  (:attr:`AuditedLeaflet.contact_links`: the phone's ``tel:`` link, the website, the booking page); and
- every outside ``<a href>`` of the HTML WeasyPrint rendered (a source's link, for instance): links within
  the document (``#…``, the complete guide's contents) are not URI annotations and are left out.

Each link missing from the PDF is one finding: a link the HTML had but WeasyPrint did not make (an ``<a>`` in
a margin box, or hidden), or a contact link that a template dropped.
"""

from __future__ import annotations

import ctypes
from html.parser import HTMLParser

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c  # type: ignore[import-untyped]

from . import AuditedLeaflet, Finding

NAME = "links"


def check_links(leaflet: AuditedLeaflet) -> list[Finding]:
    in_pdf = pdf_uris(leaflet.pdf)
    findings = [
        Finding(NAME, None, f"no link to the clinic's {what} {uri} in the PDF")
        for what, uri in zip(("phone", "website", "booking page"), leaflet.contact_links, strict=False)
        if uri not in in_pdf
    ]
    contact = set(leaflet.contact_links)
    findings += [
        Finding(NAME, None, f"the HTML links to {uri}, the PDF does not")
        for uri in html_hrefs(leaflet.html)
        if uri not in in_pdf and uri not in contact
    ]
    return findings


def pdf_uris(pdf: bytes) -> set[str]:
    """The ``/URI`` of every link annotation of every page."""
    document = pdfium.PdfDocument(pdf)
    uris: set[str] = set()
    try:
        for index in range(len(document)):
            page = document[index]
            position = ctypes.c_int(0)
            link = pdfium_c.FPDF_LINK()
            while pdfium_c.FPDFLink_Enumerate(page.raw, ctypes.byref(position), ctypes.byref(link)):
                action = pdfium_c.FPDFLink_GetAction(link)
                if action and pdfium_c.FPDFAction_GetType(action) == pdfium_c.PDFACTION_URI:
                    size = pdfium_c.FPDFAction_GetURIPath(document.raw, action, None, 0)
                    buffer = ctypes.create_string_buffer(size)
                    pdfium_c.FPDFAction_GetURIPath(document.raw, action, buffer, size)
                    uris.add(buffer.value.decode("latin-1"))
            page.close()
    finally:
        document.close()
    return uris


def html_hrefs(html: str) -> list[str]:
    """The outside links of an HTML document, in order, each once (``#…`` links within it left out)."""
    parser = _Hrefs()
    parser.feed(html)
    parser.close()
    return list(dict.fromkeys(parser.hrefs))


class _Hrefs(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href")
        if tag == "a" and href and not href.startswith("#"):
            self.hrefs.append(href.strip())
