"""Reading the brands: every file under ``content/brands/`` -> a :class:`~.model.Brand`, or every problem.

Each file is read with its lines and validated as a :class:`~.schema.BrandDocument`
(:func:`~scarleaflets.content.validation.read_document`), so a problem names the file, the line and the place
in the file exactly as content problems do; all brands are read before any is used.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from ..content.clinic_details import CLINIC_DETAILS
from ..content.validation import read_document
from ..errors import ContentError, Problem
from ..i18n.locales import SOURCE_LOCALE
from .model import BRANDS_FOLDER, DAYS, MIN_BODY_PT, MIN_NOTE_PT, Brand, EmailSettings, SendWindow
from .schema import BrandDocument, EmailDocument


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
    content_dir = project_root / "content"
    shown = path.relative_to(project_root).as_posix()
    context = {"content_dir": content_dir, "available": [SOURCE_LOCALE, *available_locales]}
    before = len(problems)
    read = read_document(BrandDocument, path, shown, problems, context)
    if read is None or len(problems) > before:
        return None
    return _brand(read[0], shown, content_dir)


def _brand(doc: BrandDocument, shown: str, content_dir: Path) -> Brand:
    return Brand(
        id=doc.id,
        file=shown,
        name=doc.name,
        logo=doc.logo,
        logo_file=doc.logo.relative_to(content_dir.resolve()).as_posix(),
        primary=doc.colors.primary,
        accent=doc.colors.accent,
        paper=doc.paper,
        address=doc.address,
        phone=doc.phone,
        website=doc.website,
        booking_url=doc.booking_url,
        locales=tuple(dict.fromkeys(doc.locales)),
        default_locale=doc.default_locale,
        legal=doc.legal,
        email=_email(doc.email, doc.address),
        urgent_help={
            name: texts
            for name, texts in (doc.urgent_help.model_dump() if doc.urgent_help else {}).items()
            if texts is not None
        },
        body_pt=doc.type.body_pt if doc.type else MIN_BODY_PT,
        note_pt=doc.type.note_pt if doc.type else MIN_NOTE_PT,
        large_print=doc.large_print,
    )


def _email(doc: EmailDocument, address: tuple[str, ...]) -> EmailSettings:
    sender_name, sender_address = doc.sender
    window = doc.send_window
    return EmailSettings(
        sender_name,
        sender_address,
        doc.reply_to,
        doc.postal_address or address,
        SendWindow(window.start, window.end, tuple(sorted({DAYS.index(day) + 1 for day in window.days}))),
        doc.timezone,
        doc.return_path or sender_address,
    )


def clinic_detail_problems(brands: Mapping[str, Brand], used: Mapping[str, tuple[str, int]]) -> list[Problem]:
    """A problem for each clinic detail the content names (``used``: name -> the file and line that first
    names it) that a brand does not give under ``urgent_help``: its leaflets would print the placeholder."""
    return [
        Problem(
            brand.file,
            0,
            f"urgent_help.{name}",
            f"missing; the content names {{{name}}} ({file}:{line}), so give {CLINIC_DETAILS[name]}",
        )
        for brand in brands.values()
        for name, (file, line) in used.items()
        if name not in brand.urgent_help
    ]
