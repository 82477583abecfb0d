"""Everything the later stages need from the earlier ones, loaded and validated once: content, brands, fonts,
and every catalog through the quality gate, with its review record. One bad file fails fast, with every
problem in every file listed, before anything is rendered or sent.

The leaflet build (``build``) and the mail service (``mail.service``) both start here. It imports no PDF
engine: sending and serving never load WeasyPrint.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import __version__, i18n
from .brands import Brand, clinic_detail_problems, load_brands
from .config import Project
from .content import ContentSet, load_content
from .errors import ContentError, Problem
from .i18n.extract import extract_project
from .i18n.locales import SOURCE_LOCALE, cldr_source
from .leaflets.fonts import FontSet, load_fonts

# The release identifier of content read from the working tree (previews, tests); a release's is its number.
WORKING_TREE = "working-tree"


def parts_digest(*parts: bytes) -> str:
    """SHA-256 over the SHA-256 of each part: no two lists of parts run together into the same bytes."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(hashlib.sha256(part).digest())
    return digest.hexdigest()


def files_digest(paths: Iterable[Path], root: Path) -> str:
    """SHA-256 over the files' paths (relative to ``root``) and contents; missing files count as absent."""
    digest = hashlib.sha256()
    for path in sorted(paths):
        if path.is_file():
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def catalog_digest(project: Project, locale: str) -> str:
    """A locale's catalog and review record, and those of the catalogs a regional variant falls back to,
    hashed (the source language has none)."""
    if locale == SOURCE_LOCALE:
        return "source"
    return files_digest(i18n.catalog_inputs(project, locale), project.root)


@dataclass
class Loaded:
    """Everything a build or a send needs, loaded and validated before anything is rendered or sent."""

    project: Project
    content: ContentSet
    brands: dict[str, Brand]
    fonts: FontSet
    manifests: dict[str, i18n.Manifest]
    statuses: dict[str, i18n.LocaleStatus]
    catalog_cache: dict[str, Any]
    # Which snapshot this is, recorded on every delivery composed from it (``mail.service``): a release's
    # number, or WORKING_TREE ("working-tree") for the project folder as it is, a preview, never a release
    # (see ``releases``).
    release_id: str = WORKING_TREE


def load_all(project: Project, today: dt.date, cache: dict[str, Any]) -> Loaded:
    """Load content, brands, fonts and every catalog; raise one error listing every problem in every file.

    A catalog that passed the quality gate in an earlier build, byte for byte and against the same messages,
    is not checked again: ``cache`` (kept in the output manifest) remembers its digest and completeness.
    """
    problems: list[Problem] = []
    content: ContentSet | None = None
    brands: dict[str, Brand] = {}
    try:
        content = load_content(project.root, today)
    except ContentError as exc:
        problems.extend(exc.problems)
    try:
        brands = load_brands(project.root, i18n.discover_locales(project))
    except ContentError as exc:
        problems.extend(exc.problems)
    fonts = load_fonts(project)
    if content is not None:
        problems.extend(clinic_detail_problems(brands, content.clinic_details_used()))
    if problems or content is None:
        raise ContentError(problems)
    template = extract_project(project, dt.datetime.combine(today, dt.time(), tzinfo=dt.UTC), content)
    keys = sorted(f"{m.context}\x04{m.id if isinstance(m.id, str) else m.id[0]}" for m in template if m.id)
    template_digest = parts_digest("\n".join(keys).encode())
    manifests: dict[str, i18n.Manifest] = {SOURCE_LOCALE: i18n.Manifest("original", "reviewed")}
    statuses: dict[str, i18n.LocaleStatus] = {}
    fresh_cache: dict[str, Any] = {}
    for locale in i18n.discover_locales(project):
        manifests[locale] = i18n.locale_manifest(project, locale, problems)
        digest = catalog_digest(project, locale)
        known = cache.get(locale)
        gate = [__version__, cldr_source(), digest, template_digest]  # the gate's verdict depends on all
        if isinstance(known, dict) and known.get("key") == gate:
            status = i18n.LocaleStatus(**{**known["status"], "manifest": manifests[locale]})
        else:
            loaded = i18n.read_catalog(project, locale)
            problems.extend(loaded.problems)
            status = i18n.locale_status(project, locale, template, loaded)
        statuses[locale] = status
        fresh_cache[locale] = {
            "key": gate,
            "status": {k: v for k, v in vars(status).items() if k != "manifest"},
        }
    if problems:
        raise ContentError(problems)
    return Loaded(project, content, brands, fonts, manifests, statuses, fresh_cache)
