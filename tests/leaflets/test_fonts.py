"""fonts.py: locale font stacks from CLDR scripts, @font-face rules, and glyph coverage (no tofu)."""

from __future__ import annotations

import datetime as dt

from scarleaflets.checks import run_check
from scarleaflets.config import open_project
from scarleaflets.leaflets.fonts import load_fonts, locale_script, missing_characters

from ..conftest import REPO, translate_all


def test_scripts_come_from_cldr():
    assert [locale_script(c) for c in ("en", "ar", "hi", "zh_Hans", "ru", "vi", "he", "fa")] == [
        "Latn",
        "Arab",
        "Deva",
        "Hans",
        "Cyrl",
        "Latn",
        "Hebr",
        "Arab",
    ]


def test_each_locale_uses_its_script_font_first():
    fonts = load_fonts(open_project(REPO))
    assert fonts.stack("ar")[0].name == "Noto Naskh Arabic"
    assert fonts.stack("hi")[0].name == "Noto Sans Devanagari"
    assert fonts.stack("zh_Hans")[0].name == "Noto Sans SC"
    assert fonts.stack("ru")[0].name == "Noto Sans"
    assert fonts.css_stack("zh_Hans").startswith('"Noto Sans SC", "Noto Sans"')
    faces = fonts.font_faces(REPO)
    assert faces.count("@font-face") == 8
    assert 'src: url("fonts/NotoSansSC-Bold.otf")' in faces


def test_bundled_fonts_cover_every_shipped_script():
    fonts = load_fonts(open_project(REPO))
    samples = {
        "vi": "Sẹo lõm thường cải thiện chậm.",
        "ru": "Рубцы и пятна — «ёлочки».",
        "ar": "ندبات حب الشباب، ؟",
        "hi": "मुँहासे के निशान।",
        "zh_Hans": "痤疮瘢痕：您好！“引号”（括号）",
    }
    for locale, text in samples.items():
        assert missing_characters([text], fonts.stack(locale)) == [], locale


def test_an_uncovered_script_is_named_with_its_characters(catalog_project):
    """A translator adds Hebrew: the check names the locale and the characters no bundled font covers."""
    from scarleaflets import i18n

    i18n.init_locale(catalog_project, "he", dt.datetime(2026, 6, 1, tzinfo=dt.UTC), "test")
    translate_all(catalog_project, "he", "שלום")
    report = run_check(open_project(catalog_project.root), dt.date(2026, 6, 1), strict=False)
    messages = [str(p) for p in report.errors]
    assert any(
        "locales/he/LC_MESSAGES/messages.po" in m
        and "locale he have no glyph" in m
        and "U+05E9 HEBREW LETTER SHIN" in m
        for m in messages
    ), messages
