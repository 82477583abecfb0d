"""The validated model written as plain JSON, and read back: content, series and brands, as a release holds them.

JSON (never pickle: a release is data anyone may read, and reading it runs no code) through pydantic's
``TypeAdapter`` over the model's own types, so the format follows the model — dataclasses today, pydantic
models tomorrow — without a hand-written serializer to keep in step. Writing checks the round trip (what is
read back equals what was written), so a model change that JSON cannot carry fails the release, never a send.
"""

from __future__ import annotations

from functools import cache
from typing import Any, cast

from pydantic import TypeAdapter

from ..brands import Brand
from ..content import ContentSet
from ..content.series import Series
from ..errors import ScarleafletsError

Brands = dict[str, Brand]
SeriesSet = dict[str, Series]


@cache
def _adapter(kind: Any) -> TypeAdapter[Any]:  # noqa: ANN401 (a type)
    return TypeAdapter(kind)


def dump(kind: Any, value: object) -> bytes:  # noqa: ANN401 (a type)
    """``value`` as JSON; raises ScarleafletsError unless reading it back gives an equal value."""
    adapter = _adapter(kind)
    data = adapter.dump_json(value, indent=1)
    if adapter.validate_json(data) != value:
        raise ScarleafletsError(
            f"the {getattr(kind, '__name__', kind)} model does not survive JSON; not released"
        )
    return data + b"\n"


def load(kind: Any, data: bytes) -> Any:  # noqa: ANN401 (a type, and a value of it)
    return _adapter(kind).validate_json(data)


def dump_content(content: ContentSet) -> bytes:
    return dump(ContentSet, content)


def load_content(data: bytes) -> ContentSet:
    return cast(ContentSet, load(ContentSet, data))


def dump_series(series: SeriesSet) -> bytes:
    return dump(SeriesSet, series)


def load_series(data: bytes) -> SeriesSet:
    return cast(SeriesSet, load(SeriesSet, data))


def dump_brands(brands: Brands) -> bytes:
    return dump(Brands, brands)


def load_brands(data: bytes) -> Brands:
    return cast(Brands, load(Brands, data))


def plain(kind: Any, value: Any) -> Any:  # noqa: ANN401 (any model)
    """The model as plain JSON data (dicts, lists, strings), for hashing what a leaflet is made of."""
    return _adapter(kind).dump_python(value, mode="json")
