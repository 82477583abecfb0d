"""The YAML documents of the content, declared as pydantic models: a topic and the guide outline.

Each model lists its keys (required first, in the order messages name them), the type of each value and its
limits; the rules that concern several keys are the small named methods ``rules`` (on the mapping as
written, so they are reported whatever else is wrong) and ``checks`` (on the validated values). Values that
depend on the file or the day — the file name a topic id must match, today's date, the content folder and the
figures a topic declares — come from the validation context that :mod:`~scarleaflets.content.reading`
passes in. The documented format is ``docs/content-guide.md``.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Annotated, Any, cast
from urllib.parse import urlsplit

from pydantic import PlainValidator, ValidationInfo, field_validator

from .assets import asset_file, svg_height
from .blocks import BlockDocument
from .model import CATEGORIES, REVIEW_STATUSES, SKIN_LAYERS, TREATMENT_SECTIONS, Category, ReviewStatus
from .validation import (
    Date,
    Document,
    FileId,
    Flag,
    PlainText,
    Slug,
    Text,
    choice,
    context_of,
    fail,
    items,
    plain,
    scalar,
)
from .yamldoc import SLUG, Scalar, describe_value, read_integer

DOI = re.compile(r"^10\.\d{4,9}/\S+$")
EMPTY_SECTION = "the section is empty; add at least one block (for example a paragraph)"


def _https_problem(url: str) -> str | None:
    try:
        parts = urlsplit(url)
    except ValueError:  # brackets that do not hold an IPv6 address
        parts = None
    if parts is None or parts.scheme != "https" or not parts.netloc or " " in url:
        return f"'{url}' is not an https:// web address"
    return None


def _doi_problem(doi: str) -> str | None:
    return None if DOI.match(doi) else f"'{doi}' is not a DOI (it looks like 10.1234/abc)"


def _year(value: object, info: ValidationInfo) -> int:
    """A year from 1900 to this one (the reader passes today's date)."""
    today = context_of(info)["today"]
    year = read_integer(scalar(value, "a whole number").text, 1900, today.year)
    if isinstance(year, str):
        raise fail(year)
    return year


HttpsUrl = Annotated[str, plain("a web address", _https_problem)]
Doi = Annotated[str, plain("a DOI", _doi_problem)]
Year = Annotated[int, PlainValidator(_year)]
FigureFile = Annotated[Path, asset_file(what="figure", suffixes=(".svg",))]


class SectionDocument(Document):
    id: Slug
    heading: Text
    blocks: Annotated[tuple[BlockDocument, ...], items(empty=EMPTY_SECTION)]


BAND_LIMIT = 100_000  # the largest edge of a band: far beyond any drawing, small enough to read as a number


def _band(value: object) -> tuple[int, int]:
    """Where a layer lies in a figure's drawing: ``[top, bottom]``, two whole numbers in the drawing's own
    units (its viewBox), measured from its top edge down, the top above the bottom."""
    expected = "[top, bottom]: two whole numbers, in the drawing's units from its top edge down"
    if not isinstance(value, list) or len(value) != 2:
        raise fail(f"expected {expected}, got {describe_value(value)}", "type")
    numbers = [read_integer(scalar(edge, "a whole number").text, 0, BAND_LIMIT) for edge in value]
    for number in numbers:
        if isinstance(number, str):
            raise fail(number)
    top, bottom = cast(list[int], numbers)
    if top >= bottom:
        raise fail(f"the top ({top}) must be above the bottom ({bottom}): a smaller number")
    return top, bottom


Band = Annotated[tuple[int, int], PlainValidator(_band)]


class LayersDocument(Document):
    """The layers of skin a figure labels (:data:`~scarleaflets.content.model.SKIN_LAYERS`), each with the band
    it occupies in the drawing; they go down in the order of the keys below, without overlapping."""

    epidermis: Band | None = None
    dermis: Band | None = None
    fat: Band | None = None

    @classmethod
    def rules(cls, data: dict[str, Any], context: dict[str, Any]) -> Iterator[Flag]:
        if not data:
            names = ", ".join(SKIN_LAYERS)
            yield Flag(f"name at least one layer ({names}) with its [top, bottom], or leave out `layers`")

    def bands(self) -> list[tuple[str, tuple[int, int]]]:
        """The declared layers, from the top down."""
        return [(name, band) for name in SKIN_LAYERS if (band := getattr(self, name)) is not None]

    def checks(self, context: dict[str, Any]) -> Iterator[Flag]:
        bands = self.bands()
        for (above, (_, above_bottom)), (name, (top, _)) in itertools.pairwise(bands):
            if top < above_bottom:
                message = (
                    f"the {name} starts at {top}, above the bottom of the {above} ({above_bottom}); "
                    f"layers go down in the order {', '.join(SKIN_LAYERS)} without overlapping"
                )
                yield Flag(message, (name,))


class FigureDocument(Document):
    id: Slug
    file: FigureFile
    alt: Text
    caption: Text
    layers: LayersDocument | None = None

    def checks(self, context: dict[str, Any]) -> Iterator[Flag]:
        if self.layers is None:
            return
        height = svg_height(self.file)
        if height is None:
            message = "the drawing has no viewBox (or height), so the bands of its layers cannot be placed"
            yield Flag(message, ("layers",), at_key=True)
            return
        for name, (_, bottom) in self.layers.bands():
            if bottom > height:
                message = f"the {name} ends at {bottom}, below the bottom of the drawing ({height:g})"
                yield Flag(message, ("layers", name))


class SourceDocument(Document):
    title: PlainText
    year: Year
    publisher: PlainText | None = None
    journal: PlainText | None = None
    authors: PlainText | None = None
    volume: PlainText | None = None
    pages: PlainText | None = None
    url: HttpsUrl | None = None
    doi: Doi | None = None

    @classmethod
    def rules(cls, data: dict[str, Any], context: dict[str, Any]) -> Iterator[Flag]:
        if ("publisher" in data) == ("journal" in data):
            yield Flag("give exactly one of `publisher` (for a web page) or `journal` (for an article)")
        if "journal" in data and "publisher" not in data:
            missing = [f"`{key}`" for key in ("authors", "volume", "pages") if key not in data]
            if missing:
                yield Flag(
                    f"an article needs {', '.join(missing)} so readers can find it "
                    "(`pages` may hold the article number)"
                )
        elif "journal" not in data:
            extra = [f"`{key}`" for key in ("authors", "volume", "pages") if key in data]
            if extra:
                yield Flag(f"{', '.join(extra)} belong to a journal article; a web page has a `publisher`")
        if "url" not in data and "doi" not in data:
            yield Flag("give a `url` or a `doi` so readers can find the source")


class ReviewDocument(Document):
    written_by: Text
    reviewed_by: Text
    reviewed_on: Date
    next_review_due: Date
    status: Annotated[ReviewStatus, choice(REVIEW_STATUSES)]

    @field_validator("reviewed_on")
    @classmethod
    def _not_in_the_future(cls, reviewed_on: Any, info: ValidationInfo) -> Any:  # noqa: ANN401
        if reviewed_on > context_of(info)["today"]:
            raise fail(f"{reviewed_on} is in the future")
        return reviewed_on

    def checks(self, context: dict[str, Any]) -> Iterator[Flag]:
        if self.next_review_due <= self.reviewed_on:
            message = f"{self.next_review_due} must come after reviewed_on ({self.reviewed_on})"
            yield Flag(message, ("next_review_due",))


class TopicDocument(Document):
    id: FileId
    title: Text
    category: Annotated[Category, choice(CATEGORIES)]
    summary: Annotated[tuple[Text, ...], items(3, 5)]
    sections: Annotated[tuple[SectionDocument, ...], items(1)]
    sources: Annotated[tuple[SourceDocument, ...], items(2)]
    review: ReviewDocument
    questions: Annotated[tuple[Text, ...], items(1)] = ()
    figures: Annotated[tuple[FigureDocument, ...], items(1)] = ()
    related: Annotated[tuple[Slug, ...], items(1)] = ()

    @field_validator("sections")
    @classmethod
    def _treatment_sections(
        cls, sections: tuple[SectionDocument, ...], info: ValidationInfo
    ) -> tuple[SectionDocument, ...]:
        """A treatment topic has every section a patient needs before choosing a treatment."""
        present = {section.id for section in sections}
        missing = [s for s in TREATMENT_SECTIONS if s not in present]
        if info.data.get("category") == "treatment" and missing:
            raise fail(f"a treatment topic needs sections with the ids {', '.join(missing)}")
        return sections

    @classmethod
    def declared(cls, data: object) -> dict[str, Any]:
        return {"figure_ids": _declared_figures(data)}

    @classmethod
    def rules(cls, data: dict[str, Any], context: dict[str, Any]) -> Iterator[Flag]:
        section_twice = "duplicate section id '{id}' (first used in sections[{first}])"
        yield from _unique_ids(data.get("sections"), "sections", section_twice)
        figure_keys = [name for name, field in FigureDocument.model_fields.items() if field.is_required()]
        yield from _unique_ids(data.get("figures"), "figures", "duplicate figure id '{id}'", figure_keys)
        yield from _figures_placed(data, context.get("figure_ids", {}))
        yield from _not_related_to_itself(data)


def _declared_figures(data: object) -> dict[str, int]:
    """Each declared figure id with the index of its first figure, read leniently so that one broken figure
    does not turn every reference to it into a second problem (its own problem is reported already)."""
    figures = data.get("figures") if isinstance(data, dict) else None
    ids: dict[str, int] = {}
    for index, item in enumerate(figures if isinstance(figures, list) else []):
        value = item.get("id") if isinstance(item, dict) else None
        if isinstance(value, Scalar):
            ids.setdefault(value.text, index)
    return ids


def _ids(items: object, complete: Iterable[str] = ()) -> Iterator[tuple[int, str]]:
    """The index and id of each item of a raw list whose id is valid, as written, and that has every key
    named in ``complete`` (an item too broken to use cannot be the first of two)."""
    for index, item in enumerate(items if isinstance(items, list) else []):
        value = item.get("id") if isinstance(item, dict) else None
        if not isinstance(value, Scalar) or value.null or not SLUG.match(value.text):
            continue
        if all(key in item for key in complete):
            yield index, value.text


def _unique_ids(items: object, key: str, message: str, complete: Iterable[str] = ()) -> Iterator[Flag]:
    first: dict[str, int] = {}
    for index, item_id in _ids(items, complete):
        if item_id in first:
            yield Flag(message.format(id=item_id, first=first[item_id]), (key, index, "id"))
        else:
            first[item_id] = index


def _figures_placed(data: dict[str, Any], figure_ids: dict[str, int]) -> Iterator[Flag]:
    """Every declared figure is placed in a section by a ``figure`` block (once the sections are a list)."""
    sections = data.get("sections")
    if not isinstance(sections, list):
        return
    placed = {
        block["figure"].text
        for section in sections
        if isinstance(section, dict) and isinstance(section.get("blocks"), list)
        for block in section["blocks"]
        if isinstance(block, dict) and isinstance(block.get("figure"), Scalar)
    }
    for figure_id, index in figure_ids.items():
        if figure_id not in placed:
            message = (
                f"figure '{figure_id}' is never placed; add a block '- figure: {figure_id}' to a section"
            )
            yield Flag(message, ("figures", index, "id"))


def _not_related_to_itself(data: dict[str, Any]) -> Iterator[Flag]:
    """Checked once the id and every related id are valid ids."""
    ids = [data.get("id"), *(data["related"] if isinstance(data.get("related"), list) else [None])]
    if not all(isinstance(i, Scalar) and not i.null and SLUG.match(i.text) for i in ids):
        return
    topic_id, *related = (cast(Scalar, i).text for i in ids)
    for index, other in enumerate(related):
        if other == topic_id:
            yield Flag("a topic cannot be related to itself", ("related", index), line_at=("related",))


class PartDocument(Document):
    id: Slug
    heading: Text
    topics: Annotated[tuple[Slug, ...], items(1)]


class GuideDocument(Document):
    title: Text
    intro: Text
    parts: Annotated[tuple[PartDocument, ...], items(1)]
    subtitle: Text | None = None
