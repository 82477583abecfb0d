"""What frames every leaflet, email and page: the clinic, the language, and the status of its translation.

:func:`brand_view` gives a clinic's name, contact details, colours and legal text in one language (and its
booking link as a QR code, for print); :func:`locale_view` the language tag and writing direction, with the
CSS sides that direction puts first and last; :func:`translation_note` whether to say that the translation
awaits review by a medical translator, or when it was reviewed. All plain values: the templates of every
channel read them the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import segno

from ..brands import Brand
from ..i18n import Manifest, Translator
from ..i18n.locales import SOURCE_LOCALE
from .links import tel_uri


@dataclass(frozen=True)
class BrandView:
    """A clinic as its patients see it in one language. ``logo_url`` is relative to the project folder (the
    base URL of a leaflet); ``qr`` is the booking link as an SVG data URI in the clinic's primary colour."""

    id: str
    name: str
    logo_url: str
    address: tuple[str, ...]
    postal_address: tuple[str, ...]
    phone: str
    tel: str  # the phone's tel: link, E.164 (see scarleaflets.views.links.tel_uri)
    website: str
    booking_url: str
    qr: str
    legal: str
    primary: str
    accent: str
    paper: str


@dataclass(frozen=True)
class LocaleView:
    """A language: its code, BCP 47 tag and direction; ``start`` and ``end`` are the CSS sides a line of it
    starts and ends on."""

    code: str
    tag: str
    dir: str
    start: str
    end: str


@dataclass(frozen=True)
class TranslationNote:
    """Whether to show the translation's review status (never in English), and that status."""

    show: bool
    reviewed: bool
    reviewed_on: str


@cache
def qr_data_uri(url: str, colour: str) -> str:
    """The booking link as a QR code, an SVG data URI (no file, no network)."""
    return str(segno.make(url, error="m").svg_data_uri(scale=4, border=2, dark=colour))


def brand_view(brand: Brand, locale: str) -> BrandView:
    return BrandView(
        id=brand.id,
        name=brand.name,
        logo_url=f"content/{brand.logo_file}",
        address=brand.address,
        postal_address=brand.email.postal_address,
        phone=brand.phone,
        tel=tel_uri(brand.phone),
        website=brand.website,
        booking_url=brand.booking_url,
        qr=qr_data_uri(brand.booking_url, brand.primary),
        legal=brand.legal_text(locale),
        primary=brand.primary,
        accent=brand.accent,
        paper=brand.paper,
    )


def locale_view(tr: Translator) -> LocaleView:
    info = tr.info
    start, end = ("right", "left") if info.direction == "rtl" else ("left", "right")
    return LocaleView(tr.locale, info.language_tag, info.direction, start, end)


def translation_note(tr: Translator, manifest: Manifest) -> TranslationNote:
    return TranslationNote(
        show=tr.locale != SOURCE_LOCALE,
        reviewed=manifest.reviewed,
        reviewed_on=tr.info.date(manifest.reviewed_on) if manifest.reviewed_on else "",
    )
