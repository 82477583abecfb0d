"""A clinic's brand as the leaflets and the email series use it: plain frozen dataclasses, already valid.

:mod:`.schema` declares what a brand file may hold and :mod:`.reading` turns a valid file into a
:class:`Brand`; nothing here checks anything.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from ..i18n.locales import UnknownLocale, parent_locales

BRANDS_FOLDER = "brands"
Paper = Literal["A4", "Letter"]
PAPERS: tuple[Paper, ...] = ("A4", "Letter")
Day = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
DAYS: tuple[Day, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# The smallest type a leaflet prints, in points: body text, and every note (sources, captions, running headers
# and footers). NHS and British Association of Dermatologists leaflets use 12 pt or more; a brand may go larger.
MIN_BODY_PT = 12.0
MIN_NOTE_PT = 10.0
# The large-print edition (a brand's `large_print: true`): body and notes at least this large. The running
# header and footer stay at MARGIN_TEXT_MAX_PT at most, so that two lines of them still fit the page margins.
LARGE_PRINT_BODY_PT = 16.0
LARGE_PRINT_NOTE_PT = 14.0
MARGIN_TEXT_MAX_PT = 12.0
# An e-mail address as the brand file, the enrollment API and the CSV import accept it.
ADDRESS = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")


@dataclass(frozen=True)
class SendWindow:
    start: dt.time
    end: dt.time
    days: tuple[int, ...]  # ISO weekdays, Monday = 1


@dataclass(frozen=True)
class EmailSettings:
    sender_name: str
    sender_address: str
    reply_to: str
    postal_address: tuple[str, ...]
    send_window: SendWindow
    timezone: str
    # The base of each message's envelope sender: bounces and complaints come back to it, with a signed
    # per-delivery token after a "+" (signing.return_path). Defaults to the sender's address.
    return_path: str

    @property
    def sender_domain(self) -> str:
        """The sender's domain: the right side of Message-IDs and List-Id (the one place it is split off)."""
        return self.sender_address.rpartition("@")[2]


@dataclass(frozen=True)
class Brand:
    id: str
    file: str
    name: str
    logo: Path  # absolute path of the SVG or PNG file
    logo_file: str  # relative to the content folder
    primary: str
    accent: str
    paper: Paper
    address: tuple[str, ...]
    phone: str
    website: str
    booking_url: str
    locales: tuple[str, ...]
    default_locale: str
    legal: dict[str, str]  # locale -> text; the default locale is always present
    email: EmailSettings
    # clinic detail (content.clinic_details) -> locale or "default" -> text: routes to urgent help
    urgent_help: dict[str, dict[str, str]] = field(default_factory=dict)
    # the leaflets' body and note type sizes in points (the brand file's `type`; the defaults are the minimums)
    body_pt: float = MIN_BODY_PT
    note_pt: float = MIN_NOTE_PT
    # a release also renders the large-print edition of each of its leaflets (the brand file's `large_print`)
    large_print: bool = False

    def legal_text(self, locale: str) -> str:
        return self.legal.get(locale, self.legal[self.default_locale])

    def clinic_details(self, locale: str) -> dict[str, str]:
        """The clinic's wording of each urgent-help detail for ``locale``: its own text, else the text of the
        nearest locale it falls back to in CLDR (as catalogs do: ``en`` for ``en_GB``), else the default."""
        try:
            chain = [locale, *parent_locales(locale), "default"]
        except UnknownLocale:  # the brand's locales are validated; a stray code gets the default
            chain = [locale, "default"]
        return {
            name: next(texts[code] for code in chain if code in texts)
            for name, texts in self.urgent_help.items()
        }
