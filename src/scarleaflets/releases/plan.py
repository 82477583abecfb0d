"""Which leaflets a release renders, and their document versions.

A leaflet (brand × language × document) is keyed by a hash of exactly what it prints: its text as that
language has it (the English model without line numbers or translators' notes, each message's published
translation, the leaflet templates' own messages), its figures, the brand's printed details (its urgent-help
wording too) and logo, its templates and stylesheet, the fonts, the translation's review record and the
rendering toolchain. Editing one English sentence therefore changes the leaflets that hold it (the topic's
and the complete guide, in every language), and one translated message only those leaflets of its language.

A brand with ``large_print: true`` also gets the large-print edition of each leaflet: a document of its own,
``<document>-large-print`` (the file beside the standard one), with its own reference (``SL-AFTERCARE-LP``),
versions and register entries, made from the same inputs plus its edition, so it is rendered, reused and
re-rendered exactly when the standard one is.

The register is every leaflet of every release (their ``manifest.json``): a leaflet whose inputs hash is
already there keeps that version and reuses its PDF bytes; otherwise it gets the next version number, dated
today, and is rendered. So a version number never names two different leaflets, even after a rollback.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..brands import Brand
from ..content import Guide, Topic
from ..i18n import Translator
from ..release import files_digest, parts_digest
from . import frozen
from .gather import Gathered
from .layout import read_manifest, release_numbers, release_path
from .source import GUIDE, LARGE_PRINT_SUFFIX

# Keys of the model that do not change what a leaflet prints: where a text is in its file, notes for
# translators, and absolute paths of this checkout (the files' bytes are hashed instead).
_UNPRINTED = frozenset({"line", "key_lines", "due_line", "lines", "note", "path"})


# The editions a leaflet is released in; "large-print" only for the brands that ask for it.
STANDARD = "standard"
LARGE_PRINT = "large-print"
# The large-print edition's reference is the document's with this suffix: a printed reference and version name
# one PDF, and the two editions of a document are versioned apart (their pages differ).
LARGE_PRINT_REFERENCE = "-LP"


def reference(document: str, edition: str = STANDARD) -> str:
    """A leaflet's stable reference: SL-MARKS-VS-SCARS, SL-COMPLETE-GUIDE; SL-MARKS-VS-SCARS-LP in large print."""
    return "SL-" + document.upper() + (LARGE_PRINT_REFERENCE if edition == LARGE_PRINT else "")


def leaflet_key(brand: str, locale: str, document: str, edition: str = STANDARD) -> str:
    """The leaflet's key in the register and its path in the release (without ``.pdf``):
    riverside/en_GB/aftercare, riverside/en_GB/aftercare-large-print."""
    return f"{brand}/{locale}/{document}" + (LARGE_PRINT_SUFFIX if edition == LARGE_PRINT else "")


def editions(brand: Brand) -> tuple[str, ...]:
    """The editions a brand's leaflets are released in."""
    return (STANDARD, LARGE_PRINT) if brand.large_print else (STANDARD,)


@dataclass(frozen=True)
class Known:
    """A leaflet version in the register: its number, date, and a release folder holding its PDF."""

    version: int
    date: str
    pdf: Path | None


class Register:
    """Every leaflet version of every release, from their manifests."""

    def __init__(self, folder: Path) -> None:
        self._known: dict[tuple[str, str], Known] = {}
        self._latest: dict[str, int] = {}
        for number in release_numbers(folder):
            leaflets = read_manifest(folder, number).get("leaflets", {})
            for key, entry in leaflets.items() if isinstance(leaflets, dict) else ():
                version = int(entry.get("version", 0))
                pdf = release_path(folder, number) / "leaflets" / f"{key}.pdf"
                self._known[key, str(entry.get("inputs_hash"))] = Known(
                    version, str(entry.get("date")), pdf if pdf.is_file() else None
                )
                self._latest[key] = max(self._latest.get(key, 0), version)

    def find(self, key: str, inputs_hash: str) -> Known | None:
        return self._known.get((key, inputs_hash))

    def next_version(self, key: str) -> int:
        return self._latest.get(key, 0) + 1


@dataclass(frozen=True)
class Planned:
    brand: str
    locale: str
    document: str
    inputs: dict[str, str]
    inputs_hash: str
    reference: str
    version: int
    date: dt.date
    reuse: Path | None  # an earlier release's PDF with the same inputs; None: render it
    edition: str = STANDARD

    @property
    def key(self) -> str:
        return leaflet_key(self.brand, self.locale, self.document, self.edition)

    @property
    def large_print(self) -> bool:
        return self.edition == LARGE_PRINT


def _unprinted_removed(value: Any) -> Any:  # noqa: ANN401 (plain JSON data)
    if isinstance(value, dict):
        return {k: _unprinted_removed(v) for k, v in value.items() if k not in _UNPRINTED}
    if isinstance(value, list):
        return [_unprinted_removed(v) for v in value]
    return value


def _digest(data: Any) -> str:  # noqa: ANN401 (plain JSON data)
    return parts_digest(json.dumps(data, sort_keys=True, ensure_ascii=False).encode())


class Digests:
    """The inputs of every leaflet of a release, each part computed once and shared."""

    def __init__(self, gathered: Gathered, translators: dict[str, Translator], toolchain: str) -> None:
        self.gathered = gathered
        self.translators = translators
        root = gathered.project.root
        self.common = {
            "toolchain": toolchain,
            "fonts": files_digest([*root.joinpath("fonts").glob("*")], root),
        }
        self._text: dict[tuple[str, str], str] = {}
        # The leaflet templates' own messages (headings, footers, the contact block): in every leaflet.
        self._interface = sorted(
            (message.id if isinstance(message.id, str) else message.id[0], message.context or "")
            for message in gathered.template
            if message.id and any(_leaflet_template(file) for file, _ in message.locations)
        )

    def templates(self, brand: Brand) -> str:
        project = self.gathered.project
        folder = project.templates_dir
        own = folder.joinpath("brands", brand.id)
        # A clinic's own leaflet templates count; its email and web overrides print nothing on a leaflet.
        overrides = [
            path for path in own.rglob("*") if path.relative_to(own).parts[0] not in ("email", "web")
        ]
        return files_digest([*folder.glob("leaflet/*"), *overrides], project.root)

    def brand(self, brand: Brand, locale: str) -> str:
        """What a leaflet prints of its brand (not its email settings): details, colours, paper, logo, type
        sizes, and the clinic's urgent-help wording the views put in place of the content's placeholders."""
        printed: list[object] = [brand.name, brand.primary, brand.accent, brand.paper, list(brand.address)]
        printed += [brand.phone, brand.website, brand.booking_url, brand.legal_text(locale), brand.logo_file]
        printed += [sorted(brand.clinic_details(locale).items()), brand.body_pt, brand.note_pt]
        return parts_digest(json.dumps(printed, ensure_ascii=False).encode(), brand.logo.read_bytes())

    def text(self, locale: str, document: str) -> str:
        """A document's text as ``locale`` prints it (the complete guide holds every topic)."""
        if (locale, document) not in self._text:
            translator = self.translators[locale]
            content = self.gathered.content
            if document == GUIDE:
                parts = [self._guide(content.guide, translator)]
                parts += [self.text(locale, topic.id) for topic in content]
                digest = _digest(parts)
            else:
                digest = self._topic(content.topics[document], translator)
            self._text[locale, document] = digest
        return self._text[locale, document]

    def _topic(self, topic: Topic, translator: Translator) -> str:
        model = _unprinted_removed(frozen.plain(Topic, topic))
        words = [[context, msg.text, translator.raw(msg.text, context)] for context, msg in topic.messages()]
        figures = files_digest([figure.path for figure in topic.figures], self.gathered.project.content_dir)
        return _digest([model, words, figures])

    def _guide(self, guide: Guide, translator: Translator) -> str:
        model = _unprinted_removed(frozen.plain(Guide, guide))
        words = [[context, msg.text, translator.raw(msg.text, context)] for context, msg in guide.messages()]
        return _digest([model, words])

    def interface(self, locale: str) -> str:
        translator = self.translators[locale]
        return _digest([[m, c, translator.raw(m, c or None)] for m, c in self._interface])

    def review(self, locale: str) -> str:
        review = self.gathered.languages[locale].review
        return _digest([review.status, review.reviewed_by, str(review.reviewed_on)])


def _leaflet_template(file: str) -> bool:
    return file.startswith("templates/") and "/email/" not in file and "/web/" not in file


def plan(
    digests: Digests, register: Register, pairs: Iterable[tuple[Brand, str]], today: dt.date
) -> list[Planned]:
    """Every leaflet of the given brand × language pairs, with its inputs, version and any PDF to reuse."""
    documents = [*digests.gathered.content.topics, GUIDE]
    planned = []
    for brand, locale in pairs:
        shared = {
            **digests.common,
            "templates": digests.templates(brand),
            "brand": digests.brand(brand, locale),
            "interface": digests.interface(locale),
            "review": digests.review(locale),
        }
        for document, edition in ((d, e) for d in documents for e in editions(brand)):
            ref = reference(document, edition)
            inputs = {**shared, "text": digests.text(locale, document), "reference": ref}
            if edition != STANDARD:  # the standard edition's inputs are as they were before editions
                inputs["edition"] = edition
            key = leaflet_key(brand.id, locale, document, edition)
            inputs_hash = parts_digest(json.dumps([key, inputs], sort_keys=True).encode())
            known = register.find(key, inputs_hash)
            if known is not None:
                version, date, reuse = known.version, dt.date.fromisoformat(known.date), known.pdf
            else:
                version, date, reuse = register.next_version(key), today, None
            planned.append(
                Planned(brand.id, locale, document, inputs, inputs_hash, ref, version, date, reuse, edition)
            )
    return planned
