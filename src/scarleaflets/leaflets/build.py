"""``scarleaflets build``: plan the brand × locale × leaflet matrix, skip what is current, render the rest.

Everything is loaded and validated before anything is rendered (content, brands, catalogs through the
quality gate, fonts). Each leaflet's inputs — its content and figures, the locale's catalog and review
record, the brand file and logo, the templates, the fonts, and the versions of scarleaflets and WeasyPrint —
are hashed; a leaflet whose output exists with the same input hash is skipped. The rest are rendered by
one long-lived worker per process (fonts and templates loaded once), written atomically, and recorded in
``manifest.json`` next to them. A failing leaflet does not stop the others: the result lists it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import multiprocessing
import os
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from babel.core import get_cldr_version
from weasyprint.text.ffi import pango

from .. import __version__, i18n
from ..config import Project
from ..content import Topic, approvals_path
from ..errors import ScarleafletsError
from ..i18n.locales import SOURCE_LOCALE, LocaleInfo
from ..output import atomic_write
from ..release import Loaded, catalog_digest, files_digest, load_all, parts_digest
from .audit import AuditedLeaflet, audit
from .pdf import PdfRenderer
from .render import PAGE_MARGINS, DocumentControl, LeafletRenderer, LeafletSource, contact_links

GUIDE = "complete-guide"
MANIFEST = "manifest.json"
# The large-print edition of a leaflet sits beside it: riverside/en_GB/aftercare-large-print.pdf.
LARGE_PRINT_SUFFIX = "-large-print"


@dataclass(frozen=True)
class Job:
    brand: str
    locale: str
    topic: str | None  # None: the complete guide
    relative: str  # output path relative to the output folder
    inputs: dict[str, str]
    inputs_hash: str
    control: DocumentControl | None = None  # a released leaflet's reference and version; None: a preview
    large_print: bool = False  # the large-print edition (16 pt body), written as TOPIC-large-print.pdf


@dataclass(frozen=True)
class JobResult:
    job: Job
    data: bytes = b""
    pages: int = 0
    fallbacks: int = 0
    warnings: tuple[str, ...] = ()
    error: str | None = None
    findings: tuple[str, ...] = ()  # what the audit of the rendered PDF found (:mod:`.audit`)


@dataclass
class BuildResult:
    out_dir: Path
    planned: int = 0
    built: list[JobResult] = field(default_factory=list)
    skipped: list[Job] = field(default_factory=list)
    failed: list[JobResult] = field(default_factory=list)
    withheld: list[i18n.LocaleStatus] = field(default_factory=list)
    incomplete: list[i18n.LocaleStatus] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed


@dataclass(frozen=True)
class Selection:
    brands: tuple[str, ...] = ()
    locales: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    allow_incomplete: bool = False
    large_print: bool = False  # also the large-print edition of each leaflet


def choose_locales(project: Project, selection: Selection, loaded: Loaded) -> tuple[list[str], BuildResult]:
    """The locales to build: every catalog at or above min_completeness, plus those asked for by name."""
    result = BuildResult(out_dir=Path())
    available = list(loaded.statuses)
    unknown = [code for code in selection.locales if code != SOURCE_LOCALE and code not in available]
    if unknown:
        raise ScarleafletsError(
            f"no catalog for {', '.join(unknown)}; available: {', '.join([SOURCE_LOCALE, *available])}"
        )
    chosen = [SOURCE_LOCALE] if not selection.locales or SOURCE_LOCALE in selection.locales else []
    candidates = [
        s for code, s in loaded.statuses.items() if not selection.locales or code in selection.locales
    ]
    published, result.withheld = i18n.split_by_completeness(
        candidates,
        project.settings.min_completeness,
        include_incomplete=selection.allow_incomplete,
        named=selection.locales,
    )
    chosen += [status.locale for status in published]
    result.incomplete = [status for status in published if status.percent < 100.0]
    return chosen, result


def plan(loaded: Loaded, locales: list[str], selection: Selection, out_dir: Path) -> list[Job]:
    project = loaded.project
    root = project.root
    unknown_brands = [b for b in selection.brands if b not in loaded.brands]
    unknown_topics = [t for t in selection.topics if t not in loaded.content.topics and t != GUIDE]
    if unknown_brands:
        raise ScarleafletsError(f"no brand {', '.join(unknown_brands)}; brands: {', '.join(loaded.brands)}")
    if unknown_topics:
        raise ScarleafletsError(
            f"no topic {', '.join(unknown_topics)}; topics: {', '.join(loaded.content.topics)}, {GUIDE}"
        )
    common = {
        "toolchain": toolchain(),
        "fonts": files_digest([*root.joinpath("fonts").glob("*")], root),
        "guide": files_digest([root / "content" / "guide.yaml"], root),
    }
    topic_digest = {t.id: _topic_digest(t, root) for t in loaded.content}
    catalogs = {loc: catalog_digest(project, loc) for loc in locales}
    documents: list[str | None] = [t.id for t in loaded.content]
    documents.append(None)
    if selection.topics:
        documents = [d for d in documents if (d or GUIDE) in selection.topics]
    jobs: list[Job] = []
    for brand in loaded.brands.values():
        if selection.brands and brand.id not in selection.brands:
            continue
        brand_digest = files_digest([root / brand.file, brand.logo], root)
        templates = files_digest(
            [
                *project.templates_dir.glob("leaflet/*"),
                *project.templates_dir.joinpath("brands", brand.id).rglob("*"),
            ],
            root,
        )
        editions = (False, True) if selection.large_print else (False,)
        for locale in (loc for loc in locales if loc in brand.locales):
            for topic_id, large_print in ((d, e) for d in documents for e in editions):
                document = (topic_id or GUIDE) + (LARGE_PRINT_SUFFIX if large_print else "")
                inputs = {
                    **common,
                    "brand": brand_digest,
                    "templates": templates,
                    "catalog": catalogs[locale],
                    "content": topic_digest[topic_id]
                    if topic_id
                    else parts_digest(*(bytes.fromhex(d) for d in topic_digest.values())),
                }
                key = json.dumps([brand.id, locale, document, inputs], sort_keys=True).encode()
                jobs.append(
                    Job(
                        brand.id,
                        locale,
                        topic_id,
                        f"{brand.id}/{locale}/{document}.pdf",
                        inputs,
                        parts_digest(key),
                        large_print=large_print,
                    )
                )
    return jobs


# Libraries whose upgrade can change a leaflet's bytes: layout and PDF writing, font subsetting, images and QR
# codes, hyphenation dictionaries, templating. Babel is there for its CLDR data (dates, lists, language names).
RENDERING_PACKAGES = (
    "weasyprint",
    "pydyf",
    "tinycss2",
    "cssselect2",
    "tinyhtml5",
    "fonttools",
    "pillow",
    "pyphen",
    "segno",
    "jinja2",
    "markupsafe",
    "babel",
)


def toolchain() -> str:
    """The versions a leaflet's bytes depend on besides its files: part of every leaflet's input hash, so an
    upgrade of any of them rebuilds the leaflets (and a plain rebuild never hides one)."""
    versions = {"scarleaflets": __version__, "cldr": get_cldr_version(), "pango": str(pango.pango_version())}
    for name in RENDERING_PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "absent"
    return " ".join(f"{name}={version}" for name, version in versions.items())


def _topic_digest(topic: Topic, root: Path) -> str:
    """The topic's file, its figures and the approvals record (an approval changes what the page shows)."""
    paths = [root / topic.file, *(f.path for f in topic.figures), approvals_path(root / "content")]
    return files_digest(paths, root)


def read_manifest(out_dir: Path) -> dict[str, Any]:
    path = out_dir / MANIFEST
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"documents": {}}
    return data if isinstance(data.get("documents"), dict) else {"documents": {}}


def is_current(job: Job, out_dir: Path, manifest: dict[str, Any]) -> bool:
    entry = manifest["documents"].get(job.relative)
    target = out_dir / job.relative
    if not isinstance(entry, dict) or entry.get("inputs_hash") != job.inputs_hash or not target.is_file():
        return False
    return bool(entry.get("sha256") == hashlib.sha256(target.read_bytes()).hexdigest())


# One worker per process: the loaded inputs and the long-lived renderers live here for the process's life.
_WORKER: dict[str, Any] = {}


def _start_worker(loaded: Loaded) -> None:
    _WORKER["loaded"] = loaded
    _WORKER["translators"] = {}
    _WORKER["html"] = LeafletRenderer(loaded.project, loaded.content, loaded.fonts)
    _WORKER["pdf"] = PdfRenderer(loaded.project.root)


def _translator(loaded: Loaded, locale: str) -> i18n.Translator:
    """The locale's translations, read once per worker and only if it has something to render."""
    cache: dict[str, i18n.Translator] = _WORKER.setdefault("translators", {})
    if locale not in cache:
        cache[locale] = i18n.Translator.load(loaded.project, locale)
    return cache[locale]


def _render(job: Job) -> JobResult:
    loaded: Loaded = _WORKER["loaded"]
    try:
        translator = _translator(loaded, job.locale)
        translator.fallbacks = set()
        source = LeafletSource(loaded.brands[job.brand], job.locale, job.topic, job.control, job.large_print)
        html, when = _WORKER["html"].render(source, translator, loaded.manifests[job.locale])
        pdf = _WORKER["pdf"].render(html, when, bytes.fromhex(job.inputs_hash)[:16])
        audited = AuditedLeaflet(
            job.relative,
            pdf.data,
            html,
            job.locale,
            LocaleInfo(job.locale).direction,
            "guide" if job.topic is None else "topic",
            PAGE_MARGINS,
            contact_links(source.brand),
            job.large_print,
        )
        findings = tuple(str(finding) for finding in audit(audited))
        return JobResult(job, pdf.data, pdf.pages, len(translator.fallbacks), pdf.warnings, findings=findings)
    except ScarleafletsError as exc:
        return JobResult(job, error=str(exc))
    except Exception as exc:  # a bug or an unexpected WeasyPrint failure: report it, keep building
        return JobResult(job, error=f"{type(exc).__name__}: {exc}")


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def _results(loaded: Loaded, jobs: list[Job], workers: int) -> Iterator[JobResult]:
    if workers <= 1 or len(jobs) <= 1:
        _start_worker(loaded)
        for job in jobs:
            yield _render(job)
        return
    method = "fork" if sys.platform.startswith("linux") else "spawn"
    context = multiprocessing.get_context(method)
    with ProcessPoolExecutor(
        workers, mp_context=context, initializer=_start_worker, initargs=(loaded,)
    ) as pool:
        # Large documents first, so that no worker is left with the longest one at the end.
        ordered = sorted(jobs, key=lambda j: j.topic is not None)
        yield from pool.map(_render, ordered, chunksize=1)


def render_jobs(loaded: Loaded, jobs: list[Job], workers: int | None = None) -> Iterator[JobResult]:
    """Render ``jobs`` with long-lived renderers in ``workers`` processes (one per core by default), in any
    order; a failing job is reported in its result and does not stop the others (``build`` and releases)."""
    return _results(loaded, jobs, workers or default_jobs())


def build(
    project: Project,
    today: dt.date,
    selection: Selection,
    *,
    out_dir: Path | None = None,
    workers: int | None = None,
    force: bool = False,
    progress: Callable[[int], None] | None = None,
    on_plan: Callable[[int], None] | None = None,
) -> BuildResult:
    out = (out_dir or project.output_dir / "leaflets").resolve()
    manifest = read_manifest(out)
    cache = manifest.get("catalogs") if isinstance(manifest.get("catalogs"), dict) else {}
    loaded = load_all(project, today, cache or {})
    locales, result = choose_locales(project, selection, loaded)
    result.out_dir = out
    jobs = plan(loaded, locales, selection, out)
    result.planned = len(jobs)
    todo = [job for job in jobs if force or not is_current(job, out, manifest)]
    result.skipped = [job for job in jobs if job not in todo]
    if on_plan:
        on_plan(len(todo))
    for item in _results(loaded, todo, workers or default_jobs()):
        if item.error is None:
            atomic_write(out / item.job.relative, item.data)
            manifest["documents"][item.job.relative] = {
                "brand": item.job.brand,
                "locale": item.job.locale,
                "document": item.job.topic or GUIDE,
                "inputs": item.job.inputs,
                "inputs_hash": item.job.inputs_hash,
                "sha256": hashlib.sha256(item.data).hexdigest(),
                "bytes": len(item.data),
                "pages": item.pages,
                "fallbacks": item.fallbacks,
            }
            if item.job.large_print:
                manifest["documents"][item.job.relative]["large_print"] = True
            result.built.append(item)
        else:
            result.failed.append(item)
        if progress:
            progress(1)
    if result.built or manifest.get("catalogs") != loaded.catalog_cache:
        manifest["generator"] = f"scarleaflets {__version__}"
        manifest["catalogs"] = loaded.catalog_cache
        manifest["documents"] = dict(sorted(manifest["documents"].items()))
        atomic_write(out / MANIFEST, (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode())
    return result
