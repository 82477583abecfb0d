"""Locale data from Babel's CLDR tables, never from lists in this code.

Text direction, plural rules, language names, dates, numbers and lists all come from Babel, so that a
translator who adds Hebrew, Farsi or Polish by adding a catalog needs no code change. So do the parents of a
regional variant (:func:`parent_locales`: ``en_GB`` → ``en_001`` → ``en``, ``es_MX`` → ``es_419`` → ``es``),
which :mod:`.regional` uses to fall back message by message.

Plural rules are the one exception at run time. As in GNU gettext, a catalog is read with the rule its own
``Plural-Forms`` header states (:class:`PluralRule`), because its translations were written for that rule; the
CLDR rule of the installed Babel only seeds new catalogs and is compared with the header, so a Babel release
that changes CLDR's rule for a language can never make a shipped catalog unpublishable.
"""

from __future__ import annotations

import datetime as dt
import gettext
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Literal

import babel
from babel import Locale, UnknownLocaleError
from babel.core import get_cldr_version, get_global
from babel.dates import format_date
from babel.lists import format_list
from babel.messages.plurals import get_plural
from babel.numbers import format_decimal

from ..errors import ScarleafletsError

SOURCE_LOCALE = "en"


class UnknownLocale(ScarleafletsError):
    """A locale code that Babel's CLDR data does not know."""


def parse_locale(code: str) -> Locale:
    """The Babel locale for a folder or option name such as ``pt_BR`` or ``zh_Hans``."""
    try:
        return Locale.parse(code)
    except (UnknownLocaleError, ValueError, TypeError):
        raise UnknownLocale(
            f"unknown locale '{code}': use a language code that CLDR knows, such as 'pl', 'pt_BR' or 'zh_Hans'"
        ) from None


# The counts a plural rule is tried on: every n up to 1,000, then the large round numbers where rules such as
# CLDR's "many" for Spanish and French (multiples of a million) differ.
PLURAL_SAMPLE: tuple[int, ...] = (
    *range(1001),
    *(10**k + d for k in range(4, 13) for d in (-1, 0, 1, 2, 5)),
    2_000_000,
    5_000_000,
    100_000_000,
)


class BadPluralRule(ScarleafletsError):
    """A ``Plural-Forms`` header that does not state a usable rule; the message says what is wrong."""


@dataclass(frozen=True)
class PluralRule:
    """A gettext plural rule: ``nplurals`` forms and the C expression that picks ``msgstr[i]`` for a count."""

    count: int
    expression: str

    @classmethod
    def parse(cls, header: str) -> PluralRule:
        """The rule a ``Plural-Forms`` header value states, checked to map every count to 0…nplurals−1."""
        fields: dict[str, str] = {}
        for part in header.split(";"):
            name, equals, value = part.partition("=")
            if part.strip() and not equals:
                raise BadPluralRule(f"'{part.strip()}' is not a name=value pair")
            if equals:
                fields[name.strip()] = value.strip()
        if "nplurals" not in fields or "plural" not in fields:
            raise BadPluralRule("it must state both nplurals=N and plural=EXPRESSION")
        try:
            count = int(fields["nplurals"])
        except ValueError:
            raise BadPluralRule(f"nplurals={fields['nplurals']} is not a whole number") from None
        if count < 1:
            raise BadPluralRule(f"nplurals={count}: a language has at least one form")
        rule = cls(count, fields["plural"])
        rule.check()
        return rule

    @cached_property
    def index(self) -> Callable[[int], int]:
        """Which ``msgstr[i]`` to use for a count (compiled by the standard library, which refuses unsafe code)."""
        try:
            return gettext.c2py(self.expression)
        except (ValueError, SyntaxError, RecursionError) as exc:
            raise BadPluralRule(f"plural={self.expression} is not a valid C expression ({exc})") from None

    def check(self) -> None:
        """Raise :class:`BadPluralRule` unless every count of :data:`PLURAL_SAMPLE` maps into 0 to count−1."""
        index = self.index
        for n in PLURAL_SAMPLE:
            try:
                form = index(n)
            except ArithmeticError as exc:
                raise BadPluralRule(f"plural={self.expression} fails for n={n} ({exc})") from None
            if not 0 <= form < self.count:
                raise BadPluralRule(
                    f"plural={self.expression} gives {form} for n={n}, outside 0 to {self.count - 1} "
                    f"(nplurals={self.count})"
                )

    def same_as(self, other: PluralRule) -> bool:
        """Whether both rules pick the same form for every count tried (spelling may differ)."""
        return self.count == other.count and all(self.index(n) == other.index(n) for n in PLURAL_SAMPLE)

    @property
    def header(self) -> str:
        """The rule as a ``Plural-Forms`` header value."""
        return f"nplurals={self.count}; plural={self.expression};"


def cldr_source() -> str:
    """Where CLDR rules come from on this installation, for messages: ``Babel 2.19.0 (CLDR 49)``."""
    return f"Babel {babel.__version__} (CLDR {get_cldr_version()})"


@dataclass(frozen=True)
class LocaleInfo:
    """Everything the renderers need to know about one locale, derived from CLDR."""

    code: str

    @cached_property
    def locale(self) -> Locale:
        return parse_locale(self.code)

    @property
    def direction(self) -> Literal["ltr", "rtl"]:
        return "rtl" if self.locale.text_direction == "rtl" else "ltr"

    @property
    def language_tag(self) -> str:
        """BCP 47 tag for HTML ``lang`` and e-mail ``Content-Language`` (``pt-BR``, ``zh-Hans``)."""
        return "-".join(
            part for part in (self.locale.language, self.locale.script, self.locale.territory) if part
        )

    @property
    def native_name(self) -> str:
        return str(self.locale.get_display_name(self.locale) or self.code)

    @property
    def english_name(self) -> str:
        return str(self.locale.get_display_name(SOURCE_LOCALE) or self.code)

    @cached_property
    def cldr_plural(self) -> PluralRule:
        """The installed Babel's CLDR rule: what a new catalog starts with and what headers are compared to."""
        rule = get_plural(self.locale)
        return PluralRule(int(rule.num_plurals), str(rule.plural_expr))

    @property
    def script(self) -> str:
        """The ISO 15924 script the locale is written in: its own (``zh_Hant``) or CLDR's likely one."""
        if self.locale.script:
            return str(self.locale.script)
        likely = get_global("likely_subtags")
        for key in (str(self.locale), self.locale.language):
            parts = str(likely.get(key) or "").split("_")
            if len(parts) >= 2 and len(parts[1]) == 4:
                return parts[1]
        return "Latn"

    def date(self, value: dt.date, width: Literal["full", "long", "medium", "short"] = "long") -> str:
        return str(format_date(value, format=width, locale=self.locale))

    def number(self, value: float) -> str:
        return str(format_decimal(value, locale=self.locale))

    def join(self, items: Sequence[str]) -> str:
        return str(format_list(list(items), locale=self.locale))


def parent_locales(code: str) -> list[str]:
    """The locales ``code`` inherits from in CLDR, nearest first, down to its language (or another one).

    CLDR's parent exceptions come first (``en_GB`` → ``en_001``, ``es_MX`` → ``es_419``, ``nb`` → ``no``),
    otherwise the last subtag is dropped (``pt_PT`` → ``pt``). The chain stops before a parent written in
    another script: ``zh_Hant`` never falls back to ``zh`` (Simplified), nor ``sr_Latn`` to ``sr`` (Cyrillic).
    """
    parents: list[str] = []
    exceptions = get_global("parent_exceptions")
    script = LocaleInfo(code).script
    current = code
    while True:
        parent = exceptions.get(current) or (current.rpartition("_")[0] if "_" in current else "")
        if not parent or parent in parents:
            return parents
        try:
            same_script = LocaleInfo(parent).script == script
        except UnknownLocale:
            same_script = True  # an intermediate code CLDR has no data for, such as en_001 in an old Babel
        if not same_script:
            return parents
        parents.append(parent)
        current = parent
