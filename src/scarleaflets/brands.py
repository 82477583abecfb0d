"""Clinic brands: one YAML file per clinic under ``content/brands/``, validated like content.

A brand carries what a leaflet prints (name, logo, colours, paper size, contact details, booking link, legal
text) and what the email series needs (sender, reply-to, postal address, send window, time zone). Every
problem names the file, the line and the place in the file; all brands are read before any is used.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from dataclasses import dataclass
from email.utils import parseaddr
from pathlib import Path
from typing import Literal, cast
from urllib.parse import urlsplit

from yaml.nodes import MappingNode, Node, ScalarNode

from .content import asset_file
from .content.yamldoc import Reader, parse
from .errors import ContentError, Problem
from .i18n.locales import SOURCE_LOCALE, UnknownLocale, parse_locale

BRANDS_FOLDER = "brands"
Paper = Literal["A4", "Letter"]
PAPERS: tuple[Paper, ...] = ("A4", "Letter")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
CLOCK = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
ADDRESS = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
PHONE = re.compile(r"^\+?[0-9 ()./-]{6,24}$")


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

    def legal_text(self, locale: str) -> str:
        return self.legal.get(locale, self.legal[self.default_locale])


def brand_files(content_dir: Path) -> list[Path]:
    return sorted((content_dir / BRANDS_FOLDER).glob("*.yaml"))


def load_brands(project_root: Path, available_locales: list[str]) -> dict[str, Brand]:
    """Read and validate every brand; raise ContentError listing every problem in every file."""
    content_dir = project_root / "content"
    problems: list[Problem] = []
    brands: dict[str, Brand] = {}
    files = brand_files(content_dir)
    if not files:
        problems.append(
            Problem(
                f"content/{BRANDS_FOLDER}", 0, "", "no brand files; add one YAML file per clinic (see docs)"
            )
        )
    for path in files:
        brand = read_brand_file(path, project_root, available_locales, problems)
        if brand is not None:
            brands[brand.id] = brand
    if problems:
        raise ContentError(problems)
    return brands


def read_brand_file(
    path: Path, project_root: Path, available_locales: list[str], problems: list[Problem]
) -> Brand | None:
    """One brand file, validated; None (with its problems added) when it has any. A release reads brands one
    by one, so that one broken file holds back only its own clinic."""
    shown = path.relative_to(project_root).as_posix()
    root = parse(path, shown, problems)
    if root is None:
        return None
    before = len(problems)
    brand = _BrandReader(shown, problems, project_root / "content", available_locales).brand(root, path.stem)
    return brand if len(problems) == before else None


# The keys of a brand file, all required, in the order they are read (and their problems reported).
BRAND_KEYS = (
    "id",
    "name",
    "logo",
    "colors",
    "paper",
    "address",
    "phone",
    "website",
    "booking_url",
    "locales",
    "default_locale",
    "legal",
    "email",
)


class _BrandReader(Reader):
    def __init__(self, file: str, problems: list[Problem], content_dir: Path, locales: list[str]) -> None:
        super().__init__(file, problems)
        self.content_dir = content_dir
        self.available = [SOURCE_LOCALE, *locales]

    def brand(self, root: Node, stem: str) -> Brand | None:
        before = len(self.problems)
        keys = self.mapping(root, "", required=BRAND_KEYS)
        if keys is None or len(self.problems) > before:
            return None
        brand_id = self.slug(keys["id"], "id")
        if brand_id is not None and brand_id != stem:
            self.error(
                keys["id"], "id", f"'{brand_id}' differs from the file name; name the file {brand_id}.yaml"
            )
        name = self.plain(keys["name"], "name")
        logo = self.logo(keys["logo"], "logo")
        primary, accent = self.colours(keys["colors"])
        paper = self.choice(keys["paper"], "paper", PAPERS)
        address = self.each(self.sequence(keys["address"], "address", 1, 6), "address", self.plain)
        phone = self.phone(keys["phone"])
        website = self.https(keys["website"], "website")
        booking = self.https(keys["booking_url"], "booking_url")
        locales = self.each(self.sequence(keys["locales"], "locales", 1), "locales", self.locale)
        default = self.locale(keys["default_locale"], "default_locale")
        if locales is not None and default is not None and default not in locales:
            self.error(
                keys["default_locale"], "default_locale", f"'{default}' is not among the brand's locales"
            )
        legal = self.legal(keys["legal"], default, locales)
        email = self.email(keys["email"], address)
        if len(self.problems) > before:
            return None
        assert brand_id
        assert name
        assert logo
        assert primary
        assert accent
        assert paper
        assert address
        assert phone
        assert website
        assert booking
        assert locales
        assert default
        assert legal
        assert email
        return Brand(
            id=brand_id,
            file=self.file,
            name=name,
            logo=logo,
            logo_file=logo.relative_to(self.content_dir.resolve()).as_posix(),
            primary=primary,
            accent=accent,
            paper=cast(Paper, paper),
            address=tuple(address),
            phone=phone,
            website=website,
            booking_url=booking,
            locales=tuple(dict.fromkeys(locales)),
            default_locale=default,
            legal=legal,
            email=email,
        )

    def colours(self, node: Node) -> tuple[str | None, str | None]:
        """The primary and accent colours, each None when missing or wrong (and reported)."""
        colours = self.mapping(node, "colors", required=("primary", "accent"))
        primary = (
            self.colour(colours["primary"], "colors.primary") if colours and "primary" in colours else None
        )
        accent = self.colour(colours["accent"], "colors.accent") if colours and "accent" in colours else None
        return primary, accent

    def phone(self, node: Node) -> str | None:
        phone = self.plain(node, "phone")
        if phone is not None and not PHONE.match(phone):
            self.error(node, "phone", f"'{phone}' is not a phone number (digits, spaces, + ( ) - . /)")
        return phone

    def plain(self, node: Node, path: str) -> str | None:
        """A single line of text: no markup, no line break (these values end up in e-mail headers too)."""
        value = self.scalar(node, path, "text")
        if value is None:
            return None
        if "\n" in value or "\r" in value:
            self.error(node, path, "must be a single line (no line breaks)")
            return None
        value = value.strip()
        if not value:
            self.error(node, path, "must not be empty")
            return None
        if "<" in value or ">" in value:
            self.error(node, path, "must not contain < or >")
            return None
        return value

    def colour(self, node: Node, path: str) -> str | None:
        value = self.scalar(node, path, "a colour like #1f5f5b")
        if value is not None and not HEX_COLOUR.match(value):
            self.error(node, path, f"'{value}' is not a colour; write it as #rrggbb, e.g. #1f5f5b")
            return None
        return value.lower() if value else None

    def https(self, node: Node, path: str) -> str | None:
        value = self.scalar(node, path, "a web address")
        if value is None:
            return None
        parts = urlsplit(value)
        if parts.scheme != "https" or not parts.netloc or any(c.isspace() for c in value):
            self.error(node, path, f"'{value}' is not an https:// web address")
            return None
        return value

    def locale(self, node: Node, path: str) -> str | None:
        value = self.scalar(node, path, "a locale code")
        if value is None:
            return None
        try:
            parse_locale(value)
        except UnknownLocale as exc:
            self.error(node, path, str(exc))
            return None
        if value not in self.available:
            self.error(
                node,
                path,
                f"no catalog for '{value}' in locales/; available: {', '.join(self.available)} "
                f"(start one with `scarleaflets i18n init {value}`)",
            )
            return None
        return value

    def logo(self, node: Node, path: str) -> Path | None:
        return asset_file(self, node, path, self.content_dir, what="logo", suffixes=(".svg", ".png"))

    def legal(self, node: Node, default: str | None, locales: list[str] | None) -> dict[str, str] | None:
        if isinstance(node, ScalarNode):
            text = self.plain(node, "legal")
            return None if text is None or default is None else {default: text}
        if not isinstance(node, MappingNode):
            self.error(node, "legal", "expected text, or a mapping of locale to text")
            return None
        texts: dict[str, str] = {}
        for key_node, value_node in node.value:
            code = str(key_node.value)
            if locales is not None and code not in locales:
                self.error(key_node, f"legal.{code}", f"'{code}' is not among the brand's locales")
                continue
            text = self.plain(value_node, f"legal.{code}")
            if text is not None:
                texts[code] = text
        if default is not None and default not in texts:
            self.error(node, "legal", f"give the legal text for the default locale '{default}'")
            return None
        return texts

    def email(self, node: Node, address: list[str] | None) -> EmailSettings | None:
        keys = self.mapping(
            node,
            "email",
            required=("sender", "reply_to", "send_window", "timezone"),
            optional=("postal_address", "return_path"),
        )
        if keys is None or len(keys) < 4:
            return None
        sender = self.scalar(
            keys["sender"], "email.sender", "a sender like Clinic Name <news@clinic.example.org>"
        )
        if sender is not None and ("\n" in sender or "\r" in sender):
            self.error(
                keys["sender"],
                "email.sender",
                "a line break is not allowed in an e-mail header; use one line",
            )
            return None
        sender_name, sender_address = parseaddr(sender or "") if sender else ("", "")
        if sender is not None and (not ADDRESS.match(sender_address) or not sender_name):
            self.error(
                keys["sender"],
                "email.sender",
                "write the sender as: Clinic Name <address@clinic.example.org>",
            )
            sender = None
        reply_to = self.scalar(keys["reply_to"], "email.reply_to", "an e-mail address")
        if reply_to is not None and not ADDRESS.match(reply_to):
            self.error(keys["reply_to"], "email.reply_to", f"'{reply_to}' is not an e-mail address")
            reply_to = None
        postal: list[str] | None = address
        if "postal_address" in keys:
            postal = self.each(
                self.sequence(keys["postal_address"], "email.postal_address", 1, 6),
                "email.postal_address",
                self.plain,
            )
        bounce_base = self.return_path(keys["return_path"]) if "return_path" in keys else sender_address
        window = self.window(keys["send_window"])
        zone = self.scalar(keys["timezone"], "email.timezone", "a time zone like Europe/Paris")
        if zone is not None:
            try:
                zoneinfo.ZoneInfo(zone)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                self.error(
                    keys["timezone"],
                    "email.timezone",
                    f"'{zone}' is not a time zone; use one like Europe/Paris",
                )
                zone = None
        if not (sender and reply_to and postal and window and zone and bounce_base):
            return None
        return EmailSettings(sender_name, sender_address, reply_to, tuple(postal), window, zone, bounce_base)

    def return_path(self, node: Node) -> str | None:
        """The bounce mailbox's address: a plain address, without a "+" (the per-delivery token goes there)."""
        value = self.scalar(node, "email.return_path", "an e-mail address like bounces@clinic.example.org")
        if value is not None and not ADDRESS.match(value):
            self.error(node, "email.return_path", f"'{value}' is not an e-mail address")
            return None
        if value is not None and "+" in value.partition("@")[0]:
            self.error(
                node,
                "email.return_path",
                f"'{value}' has a '+' in its local part; each message adds its own '+token' there, so write "
                "the address without one",
            )
            return None
        return value

    def window(self, node: Node) -> SendWindow | None:
        keys = self.mapping(node, "email.send_window", required=("start", "end", "days"))
        if keys is None or len(keys) < 3:
            return None
        times = []
        for key in ("start", "end"):
            value = self.scalar(keys[key], f"email.send_window.{key}", "a time like 09:00")
            if value is not None and not CLOCK.match(value):
                self.error(
                    keys[key],
                    f"email.send_window.{key}",
                    f"'{value}' is not a time; write it as HH:MM, e.g. 09:00",
                )
                value = None
            times.append(dt.time.fromisoformat(value) if value else None)
        days = self.each(
            self.sequence(keys["days"], "email.send_window.days", 1, 7),
            "email.send_window.days",
            lambda n, p: self.choice(n, p, DAYS),
        )
        start, end = times
        if start is not None and end is not None and start >= end:
            self.error(keys["end"], "email.send_window.end", "must be later than start")
            return None
        if start is None or end is None or days is None:
            return None
        return SendWindow(start, end, tuple(sorted({DAYS.index(d) + 1 for d in days})))
