"""``scarleaflets release``: check the working tree, and write what passes as the next numbered release.

The steps, in the order of Pelican's two phases (everything is loaded and checked before anything is
written): :func:`~.gather.gather` checks content, brands, series, fonts and every catalog, holding back the
pieces that fail; the languages, brands and series that pass are frozen (the model as JSON, the catalogs
compiled to ``.mo``, the templates and figures copied); the leaflets whose inputs changed are rendered, the others reuse
an earlier release's PDF bytes (:mod:`.plan`; a brand with ``large_print: true`` gets each leaflet's large-print
edition too, audited to its own type size floor); a held-back language, brand or series is carried over from
the current release, so its patients keep getting the last text in which it was complete. The release is
written into a temporary folder beside the others, its files made read-only, renamed into place whole, and
made current.

This module renders leaflets and so imports the leaflet stage (and WeasyPrint): only the `release` command
imports it, never the sender or the web service.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import platform
import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from .. import __version__, i18n
from ..brands import Brand
from ..config import Project
from ..content.series import Series
from ..errors import ScarleafletsError
from ..i18n.locales import SOURCE_LOCALE
from ..i18n.translator import mo_bytes
from ..leaflets.build import Job, JobResult, render_jobs, toolchain
from ..leaflets.logo import logo_png
from ..leaflets.render import DocumentControl
from ..release import Loaded
from . import frozen
from .gather import Gathered, gather, input_hashes
from .layout import (
    FORMAT,
    INDEX,
    MANIFEST,
    current_number,
    locked,
    read_index,
    read_manifest,
    release_numbers,
    release_path,
    releases_dir,
    use_release,
)
from .loader import CATALOGS, EDITIONS, LEAFLETS, LOGOS
from .plan import STANDARD, Digests, Planned, Register, editions, plan
from .source import GUIDE


@dataclass
class ReleaseResult:
    number: int
    path: Path
    languages: dict[str, dict[str, Any]]  # as release.json has them
    brands: dict[str, dict[str, Any]]
    series: dict[str, dict[str, Any]]
    rendered: list[str] = field(default_factory=list)  # leaflet keys rendered for this release
    reused: int = 0  # leaflets whose PDF an earlier release had made from the same inputs
    carried: int = 0  # leaflets of held-back languages and brands, as the current release had them
    pages: int = 0
    warnings: list[str] = field(default_factory=list)

    def held_back(self) -> list[str]:
        """Every reason something was left out, one line each (languages first)."""
        found = [entry["held_back"] for entry in self.languages.values() if entry.get("held_back")]
        found += [entry["held_back"] for entry in self.brands.values() if entry.get("held_back")]
        return found + [entry["held_back"] for entry in self.series.values() if entry.get("held_back")]


@dataclass(frozen=True)
class _Previous:
    """The current release, which held-back pieces are carried over from."""

    number: int
    path: Path
    index: dict[str, Any]
    manifest: dict[str, Any]


def make_release(
    project: Project,
    now: dt.datetime,
    *,
    workers: int | None = None,
    on_plan: Callable[[int], None] | None = None,
    progress: Callable[[int], None] | None = None,
) -> ReleaseResult:
    """Check the working tree and write the next release, made current; see the module docstring."""
    folder = releases_dir(project)
    with locked(folder):
        gathered = gather(project, now.date())
        previous = None
        number = current_number(folder)
        if number is not None and number in release_numbers(folder):
            previous = _Previous(
                number,
                release_path(folder, number),
                read_index(folder, number),
                read_manifest(folder, number),
            )
        number = max(release_numbers(folder), default=0) + 1
        for stale in folder.glob(".building-*"):  # left by a release that crashed: nobody else builds now
            shutil.rmtree(stale, ignore_errors=True)
        work = folder / f".building-{number}"
        work.mkdir(parents=True)
        try:
            result = _write(gathered, work, number, previous, now, workers, on_plan, progress)
            _freeze(work)
            work.rename(release_path(folder, number))
        except BaseException:
            shutil.rmtree(work, ignore_errors=True)
            raise
        use_release(folder, number)
    result.path = release_path(folder, number)
    return result


def _write(
    gathered: Gathered,
    work: Path,
    number: int,
    previous: _Previous | None,
    now: dt.datetime,
    workers: int | None,
    on_plan: Callable[[int], None] | None,
    progress: Callable[[int], None] | None,
) -> ReleaseResult:
    languages = _languages(gathered, number, previous)
    brands, brand_entries = _brands(gathered, number, previous)
    series, series_entries = _series(gathered, number, previous)
    result = ReleaseResult(number, work, languages, brand_entries, series_entries)
    edition = work / EDITIONS / str(number)
    _put(edition / "content.json", frozen.dump_content(gathered.content))
    _put(edition / "series.json", frozen.dump_series(series))
    shutil.copytree(gathered.project.templates_dir, edition / "templates")
    _copy_figures(gathered, edition)
    translators = {SOURCE_LOCALE: i18n.Translator(SOURCE_LOCALE, None)}
    for code in gathered.released():
        language = gathered.languages[code]
        if code != SOURCE_LOCALE and language.catalog is not None:
            # A regional variant's compiled catalog carries its bases' text: it stands alone, as held back.
            bases = [base.catalog for b in language.bases if (base := gathered.languages[b]).catalog]
            _put(work / CATALOGS / f"{code}.mo", mo_bytes(language.catalog, bases))
            translators[code] = i18n.Translator(code, language.catalog, bases)
    tools = toolchain()
    register = Register(work.parent)
    pairs = [
        (brand, code) for brand in gathered.brands.values() for code in brand.locales if code in translators
    ]
    planned = plan(Digests(gathered, translators, tools), register, pairs, now.date())
    leaflets, failed = _leaflets(gathered, work, planned, result, workers, on_plan, progress)
    for code, reason in failed.items():
        gathered.languages[code].reason = reason
        languages[code] = _languages(gathered, number, previous)[code]
        (work / CATALOGS / f"{code}.mo").unlink()
    leaflets.update(_carry(work, previous, languages, brands, brand_entries, result))
    _put(work / "brands.json", frozen.dump_brands(brands))
    for brand in brands.values():  # the sender reads the PNG and never loads the PDF engine for it
        _put(work / LOGOS / f"{brand.id}.png", logo_png(brand.logo))
    index = {
        "format": FORMAT,
        "release": number,
        "created": now.astimezone(dt.UTC).isoformat(timespec="seconds"),
        "generator": f"scarleaflets {__version__}",
        "languages": languages,
        "brands": brand_entries,
        "series": series_entries,
        "leaflets": {"rendered": len(result.rendered), "reused": result.reused, "carried": result.carried},
    }
    manifest = {
        **index,
        "settings": {
            "min_completeness": gathered.project.settings.min_completeness,
            "max_grade": gathered.project.settings.max_grade,
        },
        "toolchain": _versions(tools),
        "inputs": input_hashes(gathered.project),
        "left_out": _left_out(gathered, languages, brands),
        "leaflets": dict(sorted(leaflets.items())),
    }
    _put(work / MANIFEST, (json.dumps(manifest, indent=1, ensure_ascii=False) + "\n").encode())
    _put(work / INDEX, (json.dumps(index, indent=1, ensure_ascii=False) + "\n").encode())
    return result


def _languages(gathered: Gathered, number: int, previous: _Previous | None) -> dict[str, dict[str, Any]]:
    """Each language's entry: released here, or held back (with why) and served from an earlier release."""
    before: dict[str, Any] = previous.index.get("languages", {}) if previous else {}
    entries: dict[str, dict[str, Any]] = {}
    for code, language in gathered.languages.items():
        review = language.review
        entry: dict[str, Any] = {
            "served_from": number,
            "percent": language.percent,
            "review": {
                "translated_by": review.translated_by,
                "status": review.status,
                "reviewed_by": review.reviewed_by,
                "reviewed_on": review.reviewed_on.isoformat() if review.reviewed_on else None,
                "recorded": review.recorded,
            },
        }
        if language.reason:
            older = before.get(code) or {}
            entry = {**older, "served_from": older.get("served_from"), "held_back": language.reason}
            if language.catalog is not None:
                entry["percent"] = language.percent
        entries[code] = entry
    return entries


def _brands(
    gathered: Gathered, number: int, previous: _Previous | None
) -> tuple[dict[str, Brand], dict[str, dict[str, Any]]]:
    """The brands served: those that passed, and the current release's version of each held-back one."""
    brands = dict(gathered.brands)
    entries: dict[str, dict[str, Any]] = {brand_id: {"served_from": number} for brand_id in brands}
    older = frozen.load_brands((previous.path / "brands.json").read_bytes()) if previous else {}
    before = previous.index.get("brands", {}) if previous else {}
    for brand_id, reason in gathered.held_brands.items():
        if brand_id in older:
            brands[brand_id] = older[brand_id]
            served_from = before.get(brand_id, {}).get("served_from", previous.number if previous else None)
            entries[brand_id] = {"served_from": served_from, "held_back": reason}
        else:
            entries[brand_id] = {"served_from": None, "held_back": reason}
    return dict(sorted(brands.items())), dict(sorted(entries.items()))


def _series(
    gathered: Gathered, number: int, previous: _Previous | None
) -> tuple[dict[str, Series], dict[str, dict[str, Any]]]:
    """The series served: those that passed, and the current release's version of each held-back one."""
    series = dict(gathered.series)
    entries: dict[str, dict[str, Any]] = {series_id: {"served_from": number} for series_id in series}
    older: dict[str, Series] = {}
    if previous:
        older = frozen.load_series(
            (previous.path / EDITIONS / str(previous.number) / "series.json").read_bytes()
        )
    before = previous.index.get("series", {}) if previous else {}
    for series_id, reason in gathered.held_series.items():
        if series_id in older:
            series[series_id] = older[series_id]
            served_from = before.get(series_id, {}).get("served_from", previous.number if previous else None)
            entries[series_id] = {"served_from": served_from, "held_back": reason}
        else:
            entries[series_id] = {"served_from": None, "held_back": reason}
    return dict(sorted(series.items())), dict(sorted(entries.items()))


def _leaflets(
    gathered: Gathered,
    work: Path,
    planned: list[Planned],
    result: ReleaseResult,
    workers: int | None,
    on_plan: Callable[[int], None] | None,
    progress: Callable[[int], None] | None,
) -> tuple[dict[str, dict[str, Any]], dict[str, str]]:
    """Reuse or render every planned leaflet. Returns the register entries of the leaflets written, and the
    languages to hold back because a leaflet of theirs failed, with why (English: no release at all)."""
    entries: dict[str, dict[str, Any]] = {}
    todo: list[Job] = []
    by_key = {item.key: item for item in planned}
    for item in planned:
        if item.reuse is not None:
            _link(item.reuse, work / LEAFLETS / f"{item.key}.pdf")
            entries[item.key] = _entry(item, item.reuse.read_bytes(), None, result.number)
            result.reused += 1
        else:
            todo.append(_job(item))
    if on_plan:
        on_plan(len(todo))
    failed: dict[str, str] = {}
    loaded = _loaded(gathered)
    for done in render_jobs(loaded, todo, workers):
        item = by_key[done.job.relative.removesuffix(".pdf")]
        if done.error is not None:
            failed.setdefault(item.locale, f"{item.locale}: leaflet {item.key} failed: {done.error}")
        else:
            _put(work / LEAFLETS / f"{item.key}.pdf", done.data)
            entries[item.key] = _entry(item, done.data, done, result.number)
            result.rendered.append(item.key)
            result.pages += done.pages
            result.warnings.extend(f"{item.key}: WeasyPrint: {w}" for w in done.warnings)
            result.warnings.extend(f"{item.key}.pdf: {finding}" for finding in done.findings)
        if progress:
            progress(1)
    if SOURCE_LOCALE in failed:
        raise ScarleafletsError(f"no release: {failed[SOURCE_LOCALE]}")
    for code in failed:  # the language's leaflets of this release are dropped; it is held back instead
        for key in [key for key, entry in entries.items() if entry["locale"] == code]:
            (work / LEAFLETS / f"{key}.pdf").unlink()
            del entries[key]
        result.rendered = [key for key in result.rendered if by_key[key].locale != code]
    return entries, failed


def _job(item: Planned) -> Job:
    control = DocumentControl(item.reference, item.version, item.date)
    topic = None if item.document == GUIDE else item.document
    return Job(
        item.brand,
        item.locale,
        topic,
        f"{item.key}.pdf",
        item.inputs,
        item.inputs_hash,
        control,
        large_print=item.large_print,
    )


def _entry(item: Planned, data: bytes, done: JobResult | None, number: int) -> dict[str, Any]:
    return {
        "brand": item.brand,
        "locale": item.locale,
        "document": item.document,
        "edition": item.edition,
        "reference": item.reference,
        "version": item.version,
        "date": item.date.isoformat(),
        "inputs_hash": item.inputs_hash,
        "inputs": item.inputs,
        "sha256": hashlib.sha256(data).hexdigest(),
        "bytes": len(data),
        "pages": done.pages if done else _pages(data),
        "fallbacks": done.fallbacks if done else 0,
        "rendered": done is not None,
        "served_from": number,
    }


def _pages(data: bytes) -> int:
    """Pages of a PDF we wrote (its page tree's /Count), for a leaflet reused without rendering."""
    marker = data.rfind(b"/Type /Pages")
    if marker < 0:
        return 0
    tail = data[marker : marker + 200]
    found = tail.find(b"/Count ")
    digits = tail[found + 7 :].split(maxsplit=1)[0] if found >= 0 else b""
    return int(digits) if digits.isdigit() else 0


def _loaded(gathered: Gathered) -> Loaded:
    """What the leaflet renderers need, for the languages and brands that passed."""
    manifests = {code: language.review for code, language in gathered.languages.items()}
    return Loaded(gathered.project, gathered.content, gathered.brands, gathered.fonts, manifests, {}, {})


def _carry(
    work: Path,
    previous: _Previous | None,
    languages: dict[str, dict[str, Any]],
    brands: dict[str, Brand],
    brand_entries: dict[str, dict[str, Any]],
    result: ReleaseResult,
) -> dict[str, dict[str, Any]]:
    """Copy from the current release what held-back languages and brands are still served with: the edition
    of their text, their compiled catalog and their leaflets (as hard links where the disk allows)."""
    if previous is None:
        return {}
    carried_languages = [
        code for code, entry in languages.items() if entry.get("held_back") and entry.get("served_from")
    ]
    carried_brands = [brand_id for brand_id, entry in brand_entries.items() if entry.get("held_back")]
    for code in carried_languages:
        edition = str(languages[code]["served_from"])
        if not (work / EDITIONS / edition).exists():
            shutil.copytree(
                previous.path / EDITIONS / edition, work / EDITIONS / edition, copy_function=_link
            )
        _link(previous.path / CATALOGS / f"{code}.mo", work / CATALOGS / f"{code}.mo")
    entries: dict[str, dict[str, Any]] = {}
    for key, entry in previous.manifest.get("leaflets", {}).items():
        brand_id, locale = entry["brand"], entry["locale"]
        brand = brands.get(brand_id)
        # (a large-print leaflet only while its brand still asks for large print)
        wanted = (
            brand is not None
            and (locale in carried_languages or brand_id in carried_brands)
            and entry.get("edition", STANDARD) in editions(brand)
        )
        served = languages.get(locale, {}).get("served_from") is not None
        if wanted and served and not (work / LEAFLETS / f"{key}.pdf").exists():
            _link(previous.path / LEAFLETS / f"{key}.pdf", work / LEAFLETS / f"{key}.pdf")
            entries[key] = {**entry, "rendered": False}
            result.carried += 1
    return entries


def _left_out(
    gathered: Gathered, languages: dict[str, dict[str, Any]], brands: dict[str, Brand]
) -> list[dict[str, str]]:
    """Each brand × language a brand offers that this release cannot serve at all, and why."""
    return [
        {"brand": brand.id, "locale": code, "reason": languages.get(code, {}).get("held_back", "no catalog")}
        for brand in brands.values()
        for code in brand.locales
        if languages.get(code, {}).get("served_from") is None
    ]


def _versions(tools: str) -> dict[str, str]:
    versions = dict(part.split("=", 1) for part in tools.split())
    versions["python"] = platform.python_version()
    for name in ("pydantic", "pyyaml", "css-inline", "sqlalchemy"):
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "absent"
    return versions


def _copy_figures(gathered: Gathered, edition: Path) -> None:
    """The figures the edition's topics show, at their place under ``content/`` (so the edition's project finds
    them): the web pages serve them from the release, never from the working tree."""
    for topic in gathered.content:
        for figure in topic.figures:
            _put(edition / "content" / figure.file, figure.path.read_bytes())


def _put(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _link(source: str | Path, target: str | Path) -> None:
    """A hard link to an immutable file of an earlier release (a copy where links are not possible)."""
    Path(target).parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _freeze(folder: Path) -> None:
    """Make every file of a finished release read-only: a release is never changed once written."""
    for path in _files(folder.rglob("*")):
        path.chmod(0o444)


def _files(paths: Iterable[Path]) -> Iterable[Path]:
    return (path for path in paths if path.is_file() and not path.is_symlink())


def use(project: Project, number: int) -> None:
    """Make release ``number`` current (for `scarleaflets releases use`)."""
    folder = releases_dir(project)
    with locked(folder):
        use_release(folder, number)
