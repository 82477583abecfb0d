"""Checks of a rendered leaflet, read back from its PDF: what a patient holding the page, a screen reader or
a search would notice. Every leaflet ``build`` and ``release`` render is audited; each finding is printed
with the leaflet's path, and the tests assert that the shipped matrix has none.

A check is a function of an :class:`AuditedLeaflet` returning :class:`Finding` s; :data:`CHECKS` lists them.
The page geometry they share (every glyph with its box and size, images, shapes, the page's text) is read
once per leaflet by :mod:`.pages`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Literal

from .pages import Box, Page, read_pages

MM = 72 / 25.4  # points per millimetre


@dataclass(frozen=True)
class Margins:
    """The page margins of a leaflet, in millimetres (the stylesheet's ``@page`` margins)."""

    top: float
    right: float
    bottom: float
    left: float


@dataclass(frozen=True)
class Finding:
    check: str  # the check's short name, for example "fill"
    page: int | None  # from 1; None for the whole document
    message: str

    def __str__(self) -> str:
        where = f"page {self.page}: " if self.page is not None else ""
        return f"{where}{self.message} ({self.check})"


@dataclass(frozen=True)
class AuditedLeaflet:
    """One rendered leaflet and what it was rendered from."""

    name: str  # its path in the output, for messages: riverside/ar/aftercare.pdf
    pdf: bytes
    html: str  # the HTML WeasyPrint rendered
    locale: str
    direction: Literal["ltr", "rtl"]
    kind: Literal["topic", "guide"]
    margins: Margins
    # The links every leaflet must carry, whatever its templates do: the clinic's phone (tel:), website and
    # booking page, in that order (see :mod:`.links`); empty for a document of no clinic.
    contact_links: tuple[str, ...] = ()
    # The large-print edition: its type size floor is the large-print one (see :mod:`.typesize`).
    large_print: bool = False

    @cached_property
    def pages(self) -> list[Page]:
        return read_pages(self.pdf)

    def page_area(self, page: Page) -> Box:
        """The page's text box: the page less its margins (the running header and footer sit outside it)."""
        m = self.margins
        return Box(m.left * MM, m.bottom * MM, page.width - m.right * MM, page.height - m.top * MM)


Check = Callable[[AuditedLeaflet], list[Finding]]

# The checks, one module each; they use the names above, so they are imported here, after them.
from .fill import check_fill  # noqa: E402
from .links import check_links  # noqa: E402
from .margins import check_margins  # noqa: E402
from .textlayer import check_text_layer  # noqa: E402
from .typesize import check_type_size  # noqa: E402

# Every check run on every leaflet, in the order their findings are printed.
CHECKS: tuple[Check, ...] = (
    check_margins,
    check_fill,
    check_type_size,
    check_links,
    check_text_layer,
)


def audit(leaflet: AuditedLeaflet, checks: tuple[Check, ...] | None = None) -> list[Finding]:
    """Every finding of ``checks`` (all of :data:`CHECKS` by default) on ``leaflet``."""
    return [finding for check in (CHECKS if checks is None else checks) for finding in check(leaflet)]


__all__ = ["CHECKS", "MM", "AuditedLeaflet", "Box", "Check", "Finding", "Margins", "Page", "audit"]
