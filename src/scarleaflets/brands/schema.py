"""A clinic's brand file, declared as pydantic models with the machinery of the content's documents.

The keys are the fields, required before optional, in the order messages list them; each value is a leaf
type below that fails with the project's exact message (:mod:`scarleaflets.content.validation`). A brand
file is only read on once its keys are right (:attr:`BrandDocument.stop_at`), and the email settings and
their send window once they have every required key. What one value means for another is a small validator
on the later one: the default locale must be among the locales, the legal texts are for those locales and
include the default one, the send window ends after it starts. The reader passes the content folder
(``content_dir``) and the locales that have a catalog (``available``) in the validation context. The
documented format is ``docs/clinic-guide.md``.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections.abc import Iterator
from email.utils import parseaddr
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import PlainValidator, TypeAdapter, ValidationInfo, field_validator
from pydantic_core import InitErrorDetails, PydanticCustomError

from ..content import asset_file
from ..content.validation import (
    KEY_PROBLEMS,
    MISSING_KEYS,
    Document,
    FileId,
    Flag,
    choice,
    context_of,
    count_rule,
    fail,
    invalid,
    items,
    key_flags,
    plain,
    scalar,
    valid_or_none,
)
from ..content.yamldoc import Scalar
from ..i18n.locales import UnknownLocale, parse_locale
from .contrast import accent_problems, primary_problems
from .model import ADDRESS, DAYS, MIN_BODY_PT, MIN_NOTE_PT, PAPERS, Day, Paper

HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
POINTS = re.compile(r"^[0-9]{1,2}(\.[05])?$")
MAX_PT = 28.0  # a body or note size above this is a typo (large print is 16 pt)
CLOCK = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
PHONE = re.compile(r"^\+?[0-9 ()./-]{6,24}$")
LINE_BREAK = "a line break is not allowed in an e-mail header; use one line"


# Leaf values -----------------------------------------------------------------------------------------------


def _line(value: object) -> str:
    """A single line of text: no markup, no line break (these values end up in e-mail headers too)."""
    text = scalar(value, "text").text
    if "\n" in text or "\r" in text:
        raise fail("must be a single line (no line breaks)")
    text = text.strip()
    if not text:
        raise fail("must not be empty")
    if "<" in text or ">" in text:
        raise fail("must not contain < or >")
    return text


def _phone(value: object) -> str:
    phone = _line(value)
    if not PHONE.match(phone):
        raise fail(f"'{phone}' is not a phone number (digits, spaces, + ( ) - . /)")
    return phone


def _colour(value: object) -> str:
    text = scalar(value, "a colour like #1f5f5b").text
    if not HEX_COLOUR.match(text):
        raise fail(f"'{text}' is not a colour; write it as #rrggbb, e.g. #1f5f5b")
    return text.lower()


def _points(minimum: float, what: str) -> PlainValidator:
    """A type size in points, in whole or half points, from ``minimum`` (what patients must be able to read)."""

    def read(value: object) -> float:
        text = scalar(value, "a type size in points like 13").text
        if not POINTS.match(text):
            raise fail(f"'{text}' is not a type size; write points like 13 or 13.5")
        size = float(text)
        if size < minimum:
            raise fail(f"{text} pt is too small: {what} must be at least {minimum:g} pt")
        if size > MAX_PT:
            raise fail(f"{text} pt is too large: at most {MAX_PT:g} pt")
        return size

    return PlainValidator(read)


def _switch(value: object) -> bool:
    """``true`` or ``false``, written so (a YAML 1.1 ``yes`` or ``on`` stays text here, and is refused)."""
    text = scalar(value, "true or false").text
    if text not in ("true", "false"):
        raise fail(f"'{text}' is not allowed; expected true or false")
    return text == "true"


def _clock(value: object) -> dt.time:
    text = scalar(value, "a time like 09:00").text
    if not CLOCK.match(text):
        raise fail(f"'{text}' is not a time; write it as HH:MM, e.g. 09:00")
    return dt.time.fromisoformat(text)


def _locale(value: object, info: ValidationInfo) -> str:
    """A locale CLDR knows and the project has a catalog for (the reader passes them as ``available``)."""
    code = scalar(value, "a locale code").text
    try:
        parse_locale(code)
    except UnknownLocale as exc:
        raise fail(str(exc)) from None
    available = context_of(info)["available"]
    if code not in available:
        raise fail(
            f"no catalog for '{code}' in locales/; available: {', '.join(available)} "
            f"(start one with `scarleaflets i18n init {code}`)"
        )
    return code


def _sender(value: object) -> tuple[str, str]:
    """The sender's name and address (a line break in it is a rule of :class:`EmailDocument`)."""
    name, address = parseaddr(scalar(value, "a sender like Clinic Name <news@clinic.example.org>").text)
    if not ADDRESS.match(address) or not name:
        raise fail("write the sender as: Clinic Name <address@clinic.example.org>")
    return name, address


def _https_problem(url: str) -> str | None:
    try:
        parts = urlsplit(url)
    except ValueError:  # brackets that do not hold an IPv6 address
        parts = None
    if parts is None or parts.scheme != "https" or not parts.netloc or any(c.isspace() for c in url):
        return f"'{url}' is not an https:// web address"
    return None


def _address_problem(address: str) -> str | None:
    return None if ADDRESS.match(address) else f"'{address}' is not an e-mail address"


def _return_path_problem(address: str) -> str | None:
    """The bounce mailbox's address: a plain address, without a "+" (the per-delivery token goes there)."""
    problem = _address_problem(address)
    if problem is None and "+" in address.partition("@")[0]:
        return (
            f"'{address}' has a '+' in its local part; each message adds its own '+token' there, so write "
            "the address without one"
        )
    return problem


def _zone_problem(zone: str) -> str | None:
    try:
        zoneinfo.ZoneInfo(zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a folder of zones ("Europe")
        return f"'{zone}' is not a time zone; use one like Europe/Paris"
    return None


Line = Annotated[str, PlainValidator(_line)]
Lines = Annotated[tuple[Line, ...], items(1, 6)]
Phone = Annotated[str, PlainValidator(_phone)]
Colour = Annotated[str, PlainValidator(_colour)]
Clock = Annotated[dt.time, PlainValidator(_clock)]
Switch = Annotated[bool, PlainValidator(_switch)]
Locale = Annotated[str, PlainValidator(_locale)]
Sender = Annotated[tuple[str, str], PlainValidator(_sender)]
HttpsUrl = Annotated[str, plain("a web address", _https_problem)]
Address = Annotated[str, plain("an e-mail address", _address_problem)]
ReturnPath = Annotated[str, plain("an e-mail address like bounces@clinic.example.org", _return_path_problem)]
TimeZone = Annotated[str, plain("a time zone like Europe/Paris", _zone_problem)]
Logo = Annotated[Path, asset_file(what="logo", suffixes=(".svg", ".png"))]


def _legal(value: object, info: ValidationInfo) -> dict[str, str]:
    """One legal text for the default locale, or a mapping of the brand's locales to their texts that has the
    default one (what is not known yet, because the locales are invalid, is not checked)."""
    default: str | None = info.data.get("default_locale")
    if isinstance(value, Scalar):
        text = _line(value)
        return {} if default is None else {default: text}
    if not isinstance(value, dict):
        raise fail("expected text, or a mapping of locale to text", "type")
    locales: tuple[str, ...] | None = info.data.get("locales")
    flags = list(key_flags(value))
    errors: list[InitErrorDetails] = []
    texts: dict[str, str] = {}
    for code, text in value.items():
        if locales is not None and code not in locales:
            flags.append(Flag(f"'{code}' is not among the brand's locales", (code,), at_key=True))
            continue
        try:
            texts[code] = _line(text)
        except PydanticCustomError as exc:
            errors.append({"type": exc, "loc": (code,), "input": text})
    if default is not None and default not in texts:
        flags.append(Flag(f"give the legal text for the default locale '{default}'"))
    if flags or errors:
        raise invalid("legal", value, flags, errors)
    return texts


Legal = Annotated[dict[str, str], PlainValidator(_legal)]


def _localised(value: object) -> dict[str, str]:
    """One text for every language (kept under ``default``), or a mapping of locale codes to texts that has a
    ``default`` for the other languages."""
    if isinstance(value, Scalar):
        return {"default": _line(value)}
    if not isinstance(value, dict):
        raise fail("expected text, or a mapping of locale to text with a `default`", "type")
    flags = list(key_flags(value))
    errors: list[InitErrorDetails] = []
    texts: dict[str, str] = {}
    for code, text in value.items():
        if code != "default":
            try:
                parse_locale(code)
            except UnknownLocale as exc:
                flags.append(Flag(str(exc), (code,), at_key=True))
                continue
        try:
            texts[code] = _line(text)
        except PydanticCustomError as exc:
            errors.append({"type": exc, "loc": (code,), "input": text})
    if "default" not in value:
        flags.append(Flag("give a `default` text for the clinic's other languages"))
    if flags or errors:
        raise invalid("urgent_help", value, flags, errors)
    return texts


Localised = Annotated[dict[str, str], PlainValidator(_localised)]
Locales = Annotated[tuple[Locale, ...], items()]
_LOCALE: TypeAdapter[str] = TypeAdapter(Locale)
_LOCALES: TypeAdapter[tuple[str, ...]] = TypeAdapter(Locales)


# The documents ---------------------------------------------------------------------------------------------


class ColoursDocument(Document):
    """The clinic's two colours. Primary is the band behind white text and the colour of headings on white and
    on light boxes; accent tints the key-points box. Each must keep its text at 4.5:1 (WCAG AA) where the
    leaflets, emails and pages use it (:mod:`.contrast`)."""

    primary: Colour
    accent: Colour

    @field_validator("primary")
    @classmethod
    def _primary_contrast(cls, primary: str) -> str:
        problems = primary_problems(primary)
        if problems:
            raise fail("; ".join(problems))
        return primary

    @field_validator("accent")
    @classmethod
    def _accent_contrast(cls, accent: str, info: ValidationInfo) -> str:
        primary = info.data.get("primary")
        problems = accent_problems(primary, accent) if primary is not None else []
        if problems:
            raise fail("; ".join(problems))
        return accent


class TypeDocument(Document):
    """The leaflets' type sizes in points, for a clinic whose patients need larger type than the default."""

    body_pt: Annotated[float, _points(MIN_BODY_PT, "body text")] = MIN_BODY_PT
    note_pt: Annotated[float, _points(MIN_NOTE_PT, "notes, captions and running texts")] = MIN_NOTE_PT

    @field_validator("note_pt")
    @classmethod
    def _not_above_body(cls, note: float, info: ValidationInfo) -> float:
        body = info.data.get("body_pt")
        if body is not None and note > body:
            raise fail(f"{note:g} pt is larger than body_pt ({body:g} pt); notes are at most the body size")
        return note


class WindowDocument(Document):
    stop_at = MISSING_KEYS

    start: Clock
    end: Clock
    days: Annotated[tuple[Annotated[Day, choice(DAYS)], ...], items(1, 7)]

    @field_validator("end")
    @classmethod
    def _after_start(cls, end: dt.time, info: ValidationInfo) -> dt.time:
        start = info.data.get("start")
        if start is not None and start >= end:
            raise fail("must be later than start")
        return end


class EmailDocument(Document):
    stop_at = MISSING_KEYS

    sender: Sender
    reply_to: Address
    send_window: WindowDocument
    timezone: TimeZone
    postal_address: Lines | None = None  # the brand's address when not given
    return_path: ReturnPath | None = None  # the sender's address when not given

    @classmethod
    def rules(cls, data: dict[str, Any], context: dict[str, Any]) -> Iterator[Flag]:
        """A line break in the sender would add headers of its own: nothing else is read until it is gone."""
        sender = data.get("sender")
        if isinstance(sender, Scalar) and not sender.null and ("\n" in sender.text or "\r" in sender.text):
            yield Flag(LINE_BREAK, ("sender",), stops=True)


class UrgentHelpDocument(Document):
    """The clinic details shared content may name (``scarleaflets.content.clinic_details``), each optional
    here; ``check`` fails a brand that lacks one the content uses."""

    emergency_number: Localised | None = None
    urgent_advice: Localised | None = None
    crisis_line: Localised | None = None


class BrandDocument(Document):
    stop_at = KEY_PROBLEMS

    id: FileId
    name: Line
    logo: Logo
    colors: ColoursDocument
    paper: Annotated[Paper, choice(PAPERS)]
    address: Lines
    phone: Phone
    website: HttpsUrl
    booking_url: HttpsUrl
    # At least one locale (a rule): the default and the legal texts are checked against them whatever their number.
    locales: Locales
    default_locale: Locale
    legal: Legal
    email: EmailDocument
    urgent_help: UrgentHelpDocument | None = None
    type: TypeDocument | None = None
    large_print: Switch = False  # also release the large-print edition of every leaflet

    @classmethod
    def rules(cls, data: dict[str, Any], context: dict[str, Any]) -> Iterator[Flag]:
        """The brand offers its default locale (a rule, so that the legal texts still know the default)."""
        yield from count_rule(data, "locales", 1)
        locales = valid_or_none(_LOCALES, data.get("locales"), context)
        default = valid_or_none(_LOCALE, data.get("default_locale"), context)
        if locales is not None and default is not None and default not in locales:
            yield Flag(f"'{default}' is not among the brand's locales", ("default_locale",))
