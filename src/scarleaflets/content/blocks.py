"""The block registry: every kind of block a section can hold, declared once.

A block is a mapping with exactly one of the registered kinds as its key (``- paragraph: …``) and an
optional ``note`` for translators. Each :class:`BlockKind` names its key, the typed block it becomes, how its
value is validated (a pydantic type), which messages it gives the catalog (extraction, in reading order) and
which of them are prose a patient reads (the readability measure). The extractor and the readability measure
work through :data:`BLOCKS`, so they handle every kind it holds (a kind registered without what they need is
refused); a block of a type that is not registered is an error there, never skipped. Anything else that
dispatches on the kind of a block — the translated view model (``scarleaflets.views.topic``) and the
templates — keeps its own handlers by kind name and checks them against the registry when an environment is
made (:func:`check_handled`, :mod:`scarleaflets.views.block_templates`), so a kind added here without a
handler there is an error at start-up, never a block silently dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from functools import cache
from typing import TYPE_CHECKING, Annotated, Any, Generic, Literal, TypeVar, cast

from pydantic import PlainValidator, ValidationInfo, create_model

from .validation import Document, Flag, Msg, Text, choice, context_of, fail, items, read_slug

CalloutKind = Literal["clinician", "warning"]
CALLOUT_KINDS: tuple[CalloutKind, ...] = ("clinician", "warning")
NOTE = "note"

B = TypeVar("B")


class UnhandledBlockKindError(RuntimeError):
    """A part of the program that must handle every kind of block does not: a programming error."""


# The blocks ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Paragraph:
    text: Msg


@dataclass(frozen=True)
class BulletList:
    items: tuple[Msg, ...]


@dataclass(frozen=True)
class Callout:
    kind: CalloutKind
    text: Msg


@dataclass(frozen=True)
class Table:
    caption: Msg | None
    header: tuple[Msg, ...]
    rows: tuple[tuple[Msg, ...], ...]


@dataclass(frozen=True)
class FigureRef:
    figure_id: str


Block = Paragraph | BulletList | Callout | Table | FigureRef


# How their values are written ----------------------------------------------------------------------------


class CalloutDocument(Document):
    kind: Annotated[CalloutKind, choice(CALLOUT_KINDS)]
    text: Text


class TableDocument(Document):
    header: Annotated[tuple[Text, ...], items(2)]
    rows: Annotated[tuple[Annotated[tuple[Text, ...], items()], ...], items(1)]
    caption: Text | None = None

    @classmethod
    def rules(cls, data: dict[str, Any], context: dict[str, Any]) -> Iterator[Flag]:
        """Every row has as many cells as the header."""
        header, rows = data.get("header"), data.get("rows")
        if not isinstance(header, list) or not isinstance(rows, list):
            return
        for index, row in enumerate(rows):
            if isinstance(row, list) and len(row) != len(header):
                message = f"has {len(row)} cells but the header has {len(header)}; make them match"
                yield Flag(message, ("rows", index))


def _figure_ref(value: object, info: ValidationInfo) -> str:
    """The id of a figure declared in the topic's ``figures`` (the reader passes them in its context)."""
    figure_id = read_slug(value)
    if figure_id not in context_of(info).get("figure_ids", {}):
        raise fail(f"no figure with id '{figure_id}' in this topic's `figures`")
    return figure_id


FigureId = Annotated[str, PlainValidator(_figure_ref)]


def noted(msg: Msg, note: str | None) -> Msg:
    return replace(msg, note=note)


def _table(doc: TableDocument, note: str | None) -> Table:
    return Table(
        None if doc.caption is None else noted(doc.caption, note),
        tuple(noted(cell, note) for cell in doc.header),
        tuple(tuple(noted(cell, note) for cell in row) for row in doc.rows),
    )


def _table_messages(table: Table) -> Iterator[Msg]:
    if table.caption is not None:
        yield table.caption
    yield from table.header
    for row in table.rows:
        yield from row


def _nothing(block: object) -> Iterator[Msg]:
    return iter(())


# The registry --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BlockKind(Generic[B]):
    """One kind of block: its key, its type, how its value is validated and what text it gives."""

    name: str
    model: type[B]
    schema: object  # the pydantic type of the value under the key
    build: Callable[[Any, str | None], B]  # the validated value and the block's note -> the block
    messages: Callable[[B], Iterable[Msg]]  # what the catalog extractor takes, in reading order
    prose: Callable[[B], Iterable[Msg]]  # what the readability measure reads

    def __post_init__(self) -> None:
        """A kind that does not say how it is built, extracted or read is refused when it is registered (at
        start-up, since :data:`BLOCKS` is made on import), so none of them can skip its blocks."""
        for part, who in (
            ("build", "validation"),
            ("messages", "catalog extractor"),
            ("prose", "readability measure"),
        ):
            if not callable(getattr(self, part)):
                raise UnhandledBlockKindError(
                    f"the block kind '{self.name}' has nothing for the {who}: BlockKind.{part} must be a function"
                )


@dataclass(frozen=True)
class BlockRegistry:
    """The kinds of block, in the order messages name them; registries never change (see :meth:`with_kind`)."""

    kinds: tuple[BlockKind[Any], ...]

    def __post_init__(self) -> None:
        for seen in ([kind.name for kind in self.kinds], [kind.model for kind in self.kinds]):
            if len(set(seen)) != len(seen):
                raise UnhandledBlockKindError(f"block kinds registered twice: {seen}")
        if NOTE in self.names:
            raise UnhandledBlockKindError(f"'{NOTE}' is the key of a block's note, not a kind of block")

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(kind.name for kind in self.kinds)

    def with_kind(self, kind: BlockKind[Any]) -> BlockRegistry:
        return BlockRegistry((*self.kinds, kind))

    def kind_of(self, block: object) -> BlockKind[Any]:
        for kind in self.kinds:
            if type(block) is kind.model:
                return kind
        raise UnhandledBlockKindError(f"{type(block).__name__} is not a registered kind of block")

    def check_handled(self, handlers: Mapping[str, object], *, who: str) -> None:
        """Raise unless ``handlers`` has one entry for each registered kind, and only those."""
        missing = [name for name in self.names if name not in handlers]
        unknown = sorted(name for name in handlers if name not in self.names)
        if missing or unknown:
            parts = [f"no handler for the block kinds {', '.join(missing)}"] if missing else []
            parts += [f"handlers for unregistered kinds {', '.join(unknown)}"] if unknown else []
            raise UnhandledBlockKindError(
                f"the {who} does not match the block registry: {'; '.join(parts)}; "
                "every kind in scarleaflets.content.blocks.BLOCKS needs exactly one handler"
            )


BLOCKS = BlockRegistry(
    (
        BlockKind(
            "paragraph",
            Paragraph,
            Text,
            lambda v, n: Paragraph(noted(v, n)),
            lambda b: (b.text,),
            lambda b: (b.text,),
        ),
        BlockKind(
            "list",
            BulletList,
            Annotated[tuple[Text, ...], items(2)],
            lambda v, n: BulletList(tuple(noted(m, n) for m in v)),
            lambda b: b.items,
            lambda b: b.items,
        ),
        BlockKind(
            "callout",
            Callout,
            CalloutDocument,
            lambda v, n: Callout(v.kind, noted(v.text, n)),
            lambda b: (b.text,),
            lambda b: (b.text,),
        ),
        BlockKind("table", Table, TableDocument, _table, _table_messages, _table_messages),
        # A figure's alt text and caption belong to the topic's `figures`, where they are extracted and read.
        BlockKind("figure", FigureRef, FigureId, lambda v, n: FigureRef(v), _nothing, _nothing),
    )
)


def check_handled(handlers: Mapping[str, object], *, who: str, registry: BlockRegistry | None = None) -> None:
    """Raise :class:`UnhandledBlockKindError` unless ``handlers`` covers exactly the kinds of :data:`BLOCKS`."""
    (registry or BLOCKS).check_handled(handlers, who=who)


def block_messages(block: Block) -> Iterator[Msg]:
    """The block's translatable texts, in reading order."""
    yield from BLOCKS.kind_of(block).messages(block)


def block_prose(block: Block) -> Iterator[Msg]:
    """The block's texts that a patient reads as prose."""
    yield from BLOCKS.kind_of(block).prose(block)


class BlockDocumentBase(Document):
    """A block: exactly one kind, and perhaps a note for translators."""

    @classmethod
    def rules(cls, data: dict[str, Any], context: dict[str, Any]) -> Iterator[Flag]:
        names = [name for name in cls.model_fields if name != NOTE]
        kinds = [name for name in names if name in data]
        if len(kinds) != 1:
            found = f"found {' and '.join(kinds)}" if kinds else "found none"
            yield Flag(f"a block holds exactly one of {', '.join(names)}; {found}")

    def build(self, registry: BlockRegistry) -> Block:
        note = cast(Msg | None, getattr(self, NOTE))
        for kind in registry.kinds:
            value = getattr(self, kind.name)
            if value is not None:
                return cast(Block, kind.build(value, None if note is None else note.text))
        raise AssertionError("rules() lets no block without a kind through")


@cache
def block_document(registry: BlockRegistry) -> type[BlockDocumentBase]:
    """The document model of a block, with one optional key per registered kind, then ``note``."""
    fields: dict[str, Any] = {kind.name: (cast(Any, kind.schema) | None, None) for kind in registry.kinds}
    fields[NOTE] = (Text | None, None)
    return create_model("BlockDocument", __base__=BlockDocumentBase, **fields)


if TYPE_CHECKING:  # mypy knows the base; pydantic validates with the model that has a key per kind
    BlockDocument = BlockDocumentBase
else:
    BlockDocument = block_document(BLOCKS)
