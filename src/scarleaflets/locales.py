"""Locale data from Babel's CLDR tables, never from lists in this code.

Text direction, plural rules, language names, dates, numbers and lists all come from Babel, so that a
translator who adds Hebrew, Farsi or Polish by adding a catalog needs no code change.
"""

from __future__ import annotations

import datetime as dt
import gettext
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Literal

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.lists import format_list
from babel.messages.plurals import get_plural
from babel.numbers import format_decimal

from .errors import ScarleafletsError

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
    def plural_count(self) -> int:
        return int(get_plural(self.locale).num_plurals)

    @cached_property
    def plural_expression(self) -> str:
        return str(get_plural(self.locale).plural_expr)

    @property
    def plural_forms(self) -> str:
        """The ``Plural-Forms`` header a catalog for this locale must carry."""
        return f"nplurals={self.plural_count}; plural={self.plural_expression};"

    @cached_property
    def plural_index(self) -> Callable[[int], int]:
        """Which ``msgstr[i]`` to use for a count (the gettext rule compiled by the standard library)."""
        return gettext.c2py(self.plural_expression)

    def date(self, value: dt.date, width: Literal["full", "long", "medium", "short"] = "long") -> str:
        return str(format_date(value, format=width, locale=self.locale))

    def number(self, value: float) -> str:
        return str(format_decimal(value, locale=self.locale))

    def join(self, items: Sequence[str]) -> str:
        return str(format_list(list(items), locale=self.locale))
