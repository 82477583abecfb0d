"""The pieces content documents are declared with: texts, leaf values, the document base model, and the
translation of pydantic's errors into the project's problems.

A document model (:class:`Document`) declares its keys as fields, required before optional, in the order
messages list them. Its values are declared with the leaf types here (:data:`Text`, :data:`Slug`,
:data:`Date`, :func:`choice`, :func:`items` …), each of which checks one value of the document as
:func:`~scarleaflets.content.yamldoc.to_data` read it and fails with the project's exact message. Rules
that concern several keys are small named methods of a document: :meth:`Document.rules` sees the raw
mapping, so it is checked even when some values are wrong; :meth:`Document.checks` sees the validated
document. Every failure is a :class:`~pydantic_core.PydanticCustomError` whose context holds the finished
message, so :func:`problems_of` only has to find the line of each place in the
:class:`~scarleaflets.content.yamldoc.LineMap`.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Annotated, Any, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    PlainValidator,
    ValidationError,
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    WrapValidator,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from ..errors import Problem
from .yamldoc import (
    LineMap,
    Loc,
    Mapping,
    Scalar,
    describe_value,
    path_of,
    prose_problem,
    read_date,
    slug_problem,
)

TOP_LEVEL = "(top level)"


@dataclass(frozen=True)
class Msg:
    """One translatable English text, with the line it starts on and an optional note for translators."""

    text: str
    line: int
    note: str | None = None

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Flag:
    """One broken rule: the message, and where below the document it is (``at``), shown at the line of
    ``line_at`` when that differs (a related topic is shown at the line of the list)."""

    message: str
    at: Loc = ()
    line_at: Loc | None = None
    kind: str = "rule"
    line: int = 0  # the line itself, when no place of the document has it (a repeated key)

    def error(self, data: object) -> InitErrorDetails:
        line_up = len(self.at) - len(self.line_at) if self.line_at is not None else 0
        context = {"message": self.message, "line_up": line_up, "line": self.line}
        return {"type": PydanticCustomError(self.kind, "{message}", context), "loc": self.at, "input": data}


def fail(message: str, kind: str = "value") -> PydanticCustomError:
    return PydanticCustomError(kind, "{message}", {"message": message})


def context_of(info: ValidationInfo) -> dict[str, Any]:
    return info.context if isinstance(info.context, dict) else {}


# Leaf values ---------------------------------------------------------------------------------------------


def scalar(value: object, expected: str) -> Scalar:
    if not isinstance(value, Scalar) or value.null:
        raise fail(f"expected {expected}, got {describe_value(value)}", "type")
    return value


def _text(value: object) -> Msg:
    """Plain prose: non-empty, single-spaced, no markup, no links."""
    found = scalar(value, "text")
    text = " ".join(found.text.split())
    problem = prose_problem(text)
    if problem:
        raise fail(problem)
    return Msg(text, found.line)


def _plain(expected: str) -> Callable[[object], str]:
    def read(value: object) -> str:
        return scalar(value, expected).text

    return read


def read_slug(value: object) -> str:
    text = scalar(value, "an id").text
    problem = slug_problem(text)
    if problem:
        raise fail(problem)
    return text


def _date(value: object) -> dt.date:
    date = read_date(scalar(value, "a date (YYYY-MM-DD)").text)
    if isinstance(date, str):
        raise fail(date)
    return date


Text = Annotated[Msg, PlainValidator(_text)]
PlainText = Annotated[str, PlainValidator(_plain("text"))]
Slug = Annotated[str, PlainValidator(read_slug)]
Date = Annotated[dt.date, PlainValidator(_date)]


def plain(expected: str, check: Callable[[str], str | None]) -> PlainValidator:
    """A scalar named ``expected`` in messages, with ``check`` saying what is wrong with it (or None)."""

    def read(value: object) -> str:
        text = scalar(value, expected).text
        problem = check(text)
        if problem:
            raise fail(problem)
        return text

    return PlainValidator(read)


def choice(allowed: tuple[str, ...]) -> PlainValidator:
    """One of ``allowed``, named in the message in their order (use with a matching ``Literal``)."""
    listed = ", ".join(allowed)

    def read(value: object) -> str:
        text = scalar(value, f"one of {listed}").text
        if text not in allowed:
            raise fail(f"'{text}' is not allowed; expected one of {listed}")
        return text

    return PlainValidator(read)


def items(minimum: int = 0, maximum: int | None = None, *, empty: str | None = None) -> WrapValidator:
    """A list of ``minimum`` (to ``maximum``) items; ``empty`` replaces the message for an empty list.

    A wrong count does not hide what is wrong with the items: both are reported.
    """

    def check(value: object, handler: ValidatorFunctionWrapHandler) -> Any:  # noqa: ANN401
        if not isinstance(value, list):
            raise fail(f"expected a list, got {describe_value(value)}", "type")
        if empty is not None and not value:
            raise fail(empty)
        if minimum <= len(value) and (maximum is None or len(value) <= maximum):
            return handler(value)
        wanted = f"{minimum} to {maximum}" if maximum is not None else f"at least {minimum}"
        errors = [Flag(f"expected {wanted} items, got {len(value)}").error(value)]
        try:
            handler(value)
        except ValidationError as exc:
            errors += [_again(error) for error in exc.errors()]
        raise ValidationError.from_exception_data("items", errors)

    return WrapValidator(check)


# Documents -----------------------------------------------------------------------------------------------


class Document(BaseModel):
    """A mapping of a content document: exactly its declared keys, every problem reported at once.

    Unknown keys are reported with a guess, missing required keys in one message, and :meth:`rules` are
    checked whatever else is wrong; :meth:`checks` run once every value is valid.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)

    @classmethod
    def rules(cls, data: dict[str, Any], context: dict[str, Any]) -> Iterator[Flag]:
        """Rules over several keys of the raw mapping (their presence, or their values as written)."""
        return iter(())

    def checks(self, context: dict[str, Any]) -> Iterator[Flag]:
        """Rules over several validated values."""
        return iter(())

    @model_validator(mode="wrap")
    @classmethod
    def _document(cls, data: Any, handler: Callable[[Any], Self], info: ValidationInfo) -> Self:  # noqa: ANN401
        if not isinstance(data, dict):
            raise fail(f"expected a mapping of keys, got {describe_value(data)}", "mapping")
        context = context_of(info)
        flags = [*cls._key_flags(data), *cls.rules(data, context)]
        known = {key: value for key, value in data.items() if key in cls.model_fields}
        errors: list[InitErrorDetails] = []
        document: Self | None = None
        try:
            document = handler(known)
        except ValidationError as exc:
            # pydantic's report of a missing key is replaced by the one message of _key_flags
            errors = [_again(error) for error in exc.errors() if not _own_missing(error)]
        else:
            flags.extend(document.checks(context))
        if document is not None and not flags:
            return document
        raise ValidationError.from_exception_data(cls.__name__, [f.error(data) for f in flags] + errors)

    @classmethod
    def _key_flags(cls, data: dict[str, Any]) -> Iterator[Flag]:
        known = list(cls.model_fields)
        repeated = data.repeated if isinstance(data, Mapping) else []
        for line in data.not_words if isinstance(data, Mapping) else []:
            yield Flag("a key must be a plain word", line=line)
        for key, line in [*((key, 0) for key in data), *repeated]:
            if key not in cls.model_fields:
                guess = difflib.get_close_matches(key, known, n=1)
                hint = f"; did you mean '{guess[0]}'?" if guess else f"; allowed keys: {', '.join(known)}"
                yield Flag(f"unknown key '{key}'{hint}", (key,), kind="unknown_key", line=line)
            elif line:
                yield Flag(f"duplicate key '{key}'; each key may appear once", (key,), line=line)
        missing = [
            name for name, field in cls.model_fields.items() if field.is_required() and name not in data
        ]
        if missing:
            noun = "key" if len(missing) == 1 else "keys"
            listed = ", ".join(f"'{name}'" for name in missing)
            yield Flag(f"missing required {noun} {listed}", kind="missing_keys")


def _own_missing(error: Any) -> bool:  # noqa: ANN401 (pydantic's ErrorDetails)
    """pydantic's own report of a missing key of this document: :meth:`Document._key_flags` made a better one."""
    return bool(error["type"] == "missing" and len(error["loc"]) == 1)


def _again(error: Any) -> InitErrorDetails:  # noqa: ANN401 (pydantic's ErrorDetails)
    """An error of a value inside a document, raised again with the document's own."""
    context = dict(error.get("ctx") or {"message": error["msg"]})
    return {
        "type": PydanticCustomError(error["type"], "{message}", context),
        "loc": error["loc"],
        "input": error["input"],
    }


def problems_of(exc: ValidationError, file: str, lines: LineMap) -> list[Problem]:
    """Each error of a validated document as a :class:`Problem` at its line, with its path and message."""
    problems = []
    for error in exc.errors():
        context = error.get("ctx") or {}
        loc: Loc = tuple(error["loc"])
        path = path_of(loc)
        line_loc = loc[: len(loc) - int(context.get("line_up", 0))]
        if context.get("line"):
            line = int(context["line"])
        elif error["type"] == "unknown_key":
            line = lines.keys.get(loc, 0)
        else:
            line = lines.line(line_loc)
        if error["type"] in ("mapping", "missing_keys") and not path:
            path = TOP_LEVEL
        problems.append(Problem(file, line, path, str(context.get("message", error["msg"]))))
    return problems
