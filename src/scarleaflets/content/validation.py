"""The pieces every YAML document is declared with (topics, the guide, brands, email series): texts, leaf
values, the document base model, the translation of pydantic's errors into the project's problems, and the
one way a file is read and validated.

A document model (:class:`Document`) declares its keys as fields, required before optional, in the order
messages list them. Its values are declared with the leaf types here (:data:`Text`, :data:`Slug`,
:data:`Date`, :data:`FileId`, :func:`choice`, :func:`items`, :func:`whole_number` …), each of which checks
one value of the document as :func:`~scarleaflets.content.yamldoc.to_data` read it and fails with the
project's exact message. Rules that concern several keys are small named methods of a document:
:meth:`Document.rules` sees the raw mapping, so it is checked even when some values are wrong;
:meth:`Document.checks` sees the validated document. Every failure is a
:class:`~pydantic_core.PydanticCustomError` whose context holds the finished message, so
:func:`problems_of` only has to find the line of each place in the
:class:`~scarleaflets.content.yamldoc.LineMap`. :func:`read_document` reads one file through all of it.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, ClassVar, Self, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    PlainValidator,
    TypeAdapter,
    ValidationError,
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    WrapValidator,
    model_validator,
)
from pydantic.fields import FieldInfo
from pydantic_core import InitErrorDetails, PydanticCustomError

from ..errors import Problem
from .yamldoc import (
    LineMap,
    Loc,
    Scalar,
    describe_value,
    parse,
    path_of,
    prose_problem,
    read_date,
    read_integer,
    slug_problem,
    to_data,
)
from .yamldoc import Mapping as YamlMapping

TOP_LEVEL = "(top level)"
# The kinds of problem a mapping's keys can have; a document may leave its values unchecked after some of them.
KEY_PROBLEMS = frozenset({"not_a_word", "unknown_key", "duplicate_key", "missing_keys"})
MISSING_KEYS = frozenset({"missing_keys"})
D = TypeVar("D", bound="Document")
T = TypeVar("T")


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
    ``line_at`` when that differs (a related topic is shown at the line of the list), or at the line of the
    key ``at`` names when ``at_key`` (a key that is wrong whatever its value)."""

    message: str
    at: Loc = ()
    line_at: Loc | None = None
    kind: str = "rule"
    line: int = 0  # the line itself, when no place of the document has it (a repeated key)
    at_key: bool = False
    stops: bool = False  # the document's values are left unchecked (a line break smuggled into a header)

    def error(self, data: object) -> InitErrorDetails:
        line_up = len(self.at) - len(self.line_at) if self.line_at is not None else 0
        context = {"message": self.message, "line_up": line_up, "line": self.line, "at_key": self.at_key}
        return {"type": PydanticCustomError(self.kind, "{message}", context), "loc": self.at, "input": data}


def invalid(
    title: str, data: object, flags: Iterable[Flag], errors: Iterable[InitErrorDetails] = ()
) -> ValidationError:
    """The flags (and the errors already made) as one pydantic error, to raise from a validator."""
    return ValidationError.from_exception_data(title, [flag.error(data) for flag in flags] + list(errors))


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


def _file_id(value: object, info: ValidationInfo) -> str:
    """The id of a document that has a file of its own: its file is named after it (the reader passes the
    file's name without ``.yaml`` as ``stem``)."""
    text = read_slug(value)
    if text != context_of(info)["stem"]:
        raise fail(f"'{text}' differs from the file name; name the file {text}.yaml")
    return text


Text = Annotated[Msg, PlainValidator(_text)]
PlainText = Annotated[str, PlainValidator(_plain("text"))]
Slug = Annotated[str, PlainValidator(read_slug)]
FileId = Annotated[str, PlainValidator(_file_id)]
Date = Annotated[dt.date, PlainValidator(_date)]


def whole_number(low: int, high: int) -> PlainValidator:
    """A whole number from ``low`` to ``high`` (use with ``int``)."""

    def read(value: object) -> int:
        number = read_integer(scalar(value, "a whole number").text, low, high)
        if isinstance(number, str):
            raise fail(number)
        return number

    return PlainValidator(read)


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


def _count_flag(value: list[Any], minimum: int, maximum: int | None, at: Loc = ()) -> Flag | None:
    if minimum <= len(value) and (maximum is None or len(value) <= maximum):
        return None
    wanted = f"{minimum} to {maximum}" if maximum is not None else f"at least {minimum}"
    return Flag(f"expected {wanted} items, got {len(value)}", at, kind="count")


def items(minimum: int = 0, maximum: int | None = None, *, empty: str | None = None) -> WrapValidator:
    """A list of ``minimum`` (to ``maximum``) items; ``empty`` replaces the message for an empty list.

    A wrong count does not hide what is wrong with the items: both are reported.
    """

    def check(value: object, handler: ValidatorFunctionWrapHandler) -> Any:  # noqa: ANN401
        if not isinstance(value, list):
            raise fail(f"expected a list, got {describe_value(value)}", "type")
        if empty is not None and not value:
            raise fail(empty)
        count = _count_flag(value, minimum, maximum)
        if count is None:
            return handler(value)
        errors = [count.error(value)]
        try:
            handler(value)
        except ValidationError as exc:
            errors += [again(error) for error in exc.errors()]
        raise ValidationError.from_exception_data("items", errors)

    return WrapValidator(check)


def valid_or_none(adapter: TypeAdapter[T], value: object, context: dict[str, Any]) -> T | None:
    """A value of the raw mapping validated on its own, for a rule that needs it (None when it is not valid:
    its own field reports why)."""
    try:
        return adapter.validate_python(value, context=context)
    except ValidationError:
        return None


def count_rule(data: Mapping[str, Any], key: str, minimum: int, maximum: int | None = None) -> Iterator[Flag]:
    """The length of the list under ``key``, as a rule of the document (for its :meth:`Document.rules`).

    For a list whose items other keys are checked against even when it is too short or too long (a brand's
    locales, a step's topics): its field is then declared with :func:`items` without bounds, so that it is a
    value of the document whatever its length, and its length is checked here.
    """
    value = data.get(key)
    flag = _count_flag(value, minimum, maximum, (key,)) if isinstance(value, list) else None
    if flag is not None:
        yield flag


# Documents -----------------------------------------------------------------------------------------------


class Document(BaseModel):
    """A mapping of a document: exactly its declared keys, every problem reported at once.

    Unknown keys are reported with a guess, missing required keys in one message, and :meth:`rules` are
    checked whatever else is wrong; :meth:`checks` run once every value is valid. A document whose values
    mean nothing until its keys are right names the kinds of key problem that leave them unchecked in
    :attr:`stop_at` (a brand, an email series: :data:`KEY_PROBLEMS`; a mapping that needs all its keys:
    :data:`MISSING_KEYS`).
    """

    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)
    stop_at: ClassVar[frozenset[str]] = frozenset()

    @classmethod
    def declared(cls, data: object) -> dict[str, Any]:
        """What the validators of the document need from the file before it is validated (the reader adds it
        to the validation context): the ids of a topic's figures, for example."""
        return {}

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
        flags = list(key_flags(data, cls.model_fields))
        if any(flag.kind in cls.stop_at for flag in flags):
            raise invalid(cls.__name__, data, flags)
        flags.extend(cls.rules(data, context))
        if any(flag.stops for flag in flags):
            raise invalid(cls.__name__, data, flags)
        known = {key: value for key, value in data.items() if key in cls.model_fields}
        errors: list[InitErrorDetails] = []
        document: Self | None = None
        try:
            document = handler(known)
        except ValidationError as exc:
            # pydantic's report of a missing key is replaced by the one message of key_flags
            errors = [again(error) for error in exc.errors() if not _own_missing(error)]
        else:
            flags.extend(document.checks(context))
        if document is not None and not flags:
            return document
        raise invalid(cls.__name__, data, flags, errors)


def key_flags(data: dict[str, Any], fields: Mapping[str, FieldInfo] | None = None) -> Iterator[Flag]:
    """What is wrong with the keys of a mapping: keys that are not plain words and keys written twice; with
    ``fields``, the keys a document declares, also unknown keys (with a guess) and missing required ones."""
    repeated = data.repeated if isinstance(data, YamlMapping) else []
    for line in data.not_words if isinstance(data, YamlMapping) else []:
        yield Flag("a key must be a plain word", kind="not_a_word", line=line)
    known = list(fields or ())
    for key, line in [*((key, 0) for key in data), *repeated]:
        if fields is not None and key not in fields:
            guess = difflib.get_close_matches(key, known, n=1)
            hint = f"; did you mean '{guess[0]}'?" if guess else f"; allowed keys: {', '.join(known)}"
            yield Flag(f"unknown key '{key}'{hint}", (key,), kind="unknown_key", line=line, at_key=True)
        elif line:
            yield Flag(
                f"duplicate key '{key}'; each key may appear once", (key,), kind="duplicate_key", line=line
            )
    missing = [name for name, field in (fields or {}).items() if field.is_required() and name not in data]
    if missing:
        noun = "key" if len(missing) == 1 else "keys"
        listed = ", ".join(f"'{name}'" for name in missing)
        yield Flag(f"missing required {noun} {listed}", kind="missing_keys")


def _own_missing(error: Any) -> bool:  # noqa: ANN401 (pydantic's ErrorDetails)
    """pydantic's own report of a missing key of this document: :func:`key_flags` made a better one."""
    return bool(error["type"] == "missing" and len(error["loc"]) == 1)


def again(error: Any) -> InitErrorDetails:  # noqa: ANN401 (pydantic's ErrorDetails)
    """An error of a value inside a document, raised again with the document's own (an error that is not the
    project's, such as a ValueError of a library, keeps pydantic's message)."""
    context = {"message": error["msg"], **(error.get("ctx") or {})}
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
        elif context.get("at_key"):
            line = lines.keys.get(loc, 0)
        else:
            line = lines.line(line_loc)
        if error["type"] in ("mapping", "missing_keys") and not path:
            path = TOP_LEVEL
        problems.append(Problem(file, line, path, str(context.get("message", error["msg"]))))
    return problems


def validate(
    model: type[D],
    data: Any,  # noqa: ANN401 (what to_data read)
    lines: LineMap,
    file: str,
    context: dict[str, Any],
    problems: list[Problem],
) -> D | None:
    """The document, or None with each of its problems recorded at its line."""
    try:
        return model.model_validate(data, context=context)
    except ValidationError as exc:
        problems.extend(problems_of(exc, file, lines))
        return None


def read_document(
    model: type[D],
    path: Path,
    shown: str,
    problems: list[Problem],
    context: dict[str, Any] | None = None,
    text: str | None = None,
) -> tuple[D, LineMap] | None:
    """One YAML file validated as ``model``, with the line of every place in it; or None, with every problem
    recorded as ``shown:line: path: message``.

    The validation context holds ``context``, the file's name without ``.yaml`` (``stem``) and what
    :meth:`Document.declared` takes from the file. ``text`` is the file's content when the caller has read it.
    """
    root = parse(path, shown, problems, text)
    if root is None:
        return None
    data, lines = to_data(root)
    document = validate(
        model, data, lines, shown, {**(context or {}), "stem": path.stem, **model.declared(data)}, problems
    )
    return None if document is None else (document, lines)
