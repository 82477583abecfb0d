"""locales.py: direction, plurals, names and formats come from CLDR, for any locale Babel knows."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from babel.messages.plurals import get_plural

from scarleaflets.i18n.locales import BadPluralRule, LocaleInfo, PluralRule, UnknownLocale


@pytest.mark.parametrize(
    ("code", "direction", "tag"),
    [
        ("ar", "rtl", "ar"),
        ("he", "rtl", "he"),
        ("fa", "rtl", "fa"),
        ("zh_Hans", "ltr", "zh-Hans"),
        ("pt_BR", "ltr", "pt-BR"),
        ("hi", "ltr", "hi"),
        ("pl", "ltr", "pl"),
    ],
)
def test_direction_and_language_tag(code, direction, tag):
    info = LocaleInfo(code)
    assert info.direction == direction
    assert info.language_tag == tag


@pytest.mark.parametrize("code", ["ar", "ru", "pl", "fr", "zh_Hans", "he", "vi"])
def test_new_catalogs_start_from_the_cldr_rule(code):
    rule = LocaleInfo(code).cldr_plural
    assert rule.count == get_plural(code).num_plurals
    assert rule.header.startswith(f"nplurals={rule.count}; plural=")
    rule.check()  # CLDR's own rules map every count into range


def test_plural_index_follows_the_rule():
    polish = LocaleInfo("pl").cldr_plural
    assert [polish.index(n) for n in (1, 2, 5, 22, 25)] == [0, 1, 2, 1, 2]
    assert LocaleInfo("vi").cldr_plural.count == 1


def test_a_plural_header_parses_into_a_checked_rule():
    rule = PluralRule.parse("nplurals=2; plural=(n != 1);")
    assert (rule.count, rule.expression) == (2, "(n != 1)")
    assert rule.same_as(PluralRule(2, "n!=1"))
    assert not rule.same_as(PluralRule(3, "(n == 1 ? 0 : n != 0 && n % 1000000 == 0 ? 1 : 2)"))
    assert not rule.same_as(PluralRule(2, "n > 1"))


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("nplurals=2; plural=n;", "gives 2 for n=2, outside 0 to 1 (nplurals=2)"),
        ("nplurals=3; plural=(n % 1000000 == 0 ? 3 : 0);", "gives 3 for n=0, outside 0 to 2"),
        ("nplurals=two; plural=(n != 1);", "nplurals=two is not a whole number"),
        ("nplurals=2;", "it must state both nplurals=N and plural=EXPRESSION"),
        ("nplurals=2; plural=(n != 1", "is not a valid C expression"),
        ("nplurals=2; plural=__import__('os');", "is not a valid C expression"),
        ("nplurals=0; plural=0;", "a language has at least one form"),
        ("nplurals=2 plural=(n != 1)", "it must state both"),
    ],
)
def test_a_bad_plural_header_says_what_is_wrong(header, message):
    with pytest.raises(BadPluralRule, match=re.escape(message)):
        PluralRule.parse(header)


def test_dates_lists_and_names_are_localized():
    day = dt.date(2027, 3, 4)
    assert LocaleInfo("de").date(day) == "4. März 2027"
    assert LocaleInfo("fr").join(["a", "b", "c"]) == "a, b et c"
    assert LocaleInfo("ru").native_name == "русский"
    assert LocaleInfo("hi").number(1234.5) == "1,234.5"


def test_unknown_locale_is_a_clear_error():
    with pytest.raises(UnknownLocale, match="unknown locale 'xx'"):
        _ = LocaleInfo("xx").locale
