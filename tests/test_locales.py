"""locales.py: direction, plurals, names and formats come from CLDR, for any locale Babel knows."""

from __future__ import annotations

import datetime as dt

import pytest
from babel.messages.plurals import get_plural

from scarleaflets.locales import LocaleInfo, UnknownLocale


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
def test_plural_rules_come_from_cldr(code):
    info = LocaleInfo(code)
    assert info.plural_count == get_plural(code).num_plurals
    assert f"nplurals={info.plural_count};" in info.plural_forms


def test_plural_index_follows_the_language():
    polish = LocaleInfo("pl")
    assert [polish.plural_index(n) for n in (1, 2, 5, 22, 25)] == [0, 1, 2, 1, 2]
    assert LocaleInfo("vi").plural_count == 1


def test_dates_lists_and_names_are_localized():
    day = dt.date(2027, 3, 4)
    assert LocaleInfo("de").date(day) == "4. März 2027"
    assert LocaleInfo("fr").join(["a", "b", "c"]) == "a, b et c"
    assert LocaleInfo("ru").native_name == "русский"
    assert LocaleInfo("hi").number(1234.5) == "1,234.5"


def test_unknown_locale_is_a_clear_error():
    with pytest.raises(UnknownLocale, match="unknown locale 'xx'"):
        _ = LocaleInfo("xx").locale
