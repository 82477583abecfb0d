"""readability/length.py: sentence length in the languages no formula measures — counted in words, Vietnamese
syllables or characters, against a long English sentence converted with the catalog's own ratio — and the
warnings `check` gives for them at the msgstr line."""

from __future__ import annotations

import datetime as dt

import pytest

from scarleaflets import i18n
from scarleaflets.checks import run_check
from scarleaflets.content.readability.length import length, length_limit, length_unit, long_sentences, split
from scarleaflets.content.readability.sentences import Unit
from scarleaflets.i18n.pofile import read_po, write_po

from ..conftest import FIXTURE_TODAY


@pytest.mark.parametrize(
    ("locale", "unit"),
    [
        ("ar", "words"),
        ("hi", "words"),
        ("vi", "syllables"),
        ("zh_Hans", "characters"),
        ("ja", "characters"),
        ("th", "characters"),
    ],
)
def test_each_script_is_counted_in_its_own_unit(locale, unit):
    assert length_unit(locale) == unit


def test_hindi_words_are_not_cut_at_their_vowel_signs():
    assert length("यह एक मिनट है।", "words") == 4
    assert length("今天天气很好。", "characters") == 6
    assert length("Tôi đi học, rồi về nhà.", "syllables") == 6


def test_sentences_end_at_each_scripts_marks():
    assert split("第一句。第二句！第三句？") == ["第一句。", "第二句！", "第三句？"]
    assert split("पहला वाक्य। दूसरा वाक्य।") == ["पहला वाक्य।", "दूसरा वाक्य।"]
    assert split("هل هذا صحيح؟ نعم. شكرا") == ["هل هذا صحيح؟", "نعم.", "شكرا"]
    assert split("Version 2.5 is out. Next") == ["Version 2.5 is out.", "Next"]


def test_the_limit_is_a_long_english_sentence_in_the_catalogs_ratio():
    pairs = [("one two three four", "一二三四五六七八"), ("five six", "五六七八")]  # two characters a word
    assert length_limit("zh_Hans", 25, pairs).limit == 50
    assert length_limit("hi", 20, [("a b", "क ख ग")]).limit == 30
    assert length_limit("vi", 25, []).limit == 25  # nothing translated yet: one to one


def test_a_long_sentence_is_a_warning_at_its_line_and_a_short_one_is_not():
    limit = length_limit("zh_Hans", 5, [("a", "一二")])  # ten characters
    units = [
        Unit("短句。这一句一共有十二个汉字了。", "zh.po", 40, ('msgstr "短句。这一句一共有十二个汉字了。"',))
    ]
    (problem,) = long_sentences(units, limit)
    assert (problem.file, problem.line) == ("zh.po", 40)
    assert problem.message == (
        "a sentence of 12 characters (more than 10, the length of a 5-word English sentence in this catalog): "
        '"这一句一共有十二个汉字了。"; split it'
    )
    assert long_sentences([Unit("短句。", "zh.po", 40)], limit) == []


def test_check_warns_of_a_long_sentence_in_a_language_without_a_formula(catalog_project):
    path = i18n.init_locale(catalog_project, "zh_Hans", dt.datetime(2026, 6, 1, tzinfo=dt.UTC), "test")
    catalog = read_po(path.read_bytes(), locale="zh_Hans")
    for message in catalog:
        if not message.id:
            continue
        if message.id == "A short paragraph.":
            message.string = (
                "这是一个很长很长的句子，它一直说下去，说了很多很多的话，从早上说到晚上，还没有说完。"
            )
        elif message.pluralizable:
            message.string = (message.id[1],)  # keeps its placeholders
        elif "%(" in message.id:
            message.string = message.id
        else:
            message.string = "短" * max(1, len(str(message.id).split()))  # one character a word
        message.flags.discard("fuzzy")
    path.write_bytes(write_po(catalog))
    report = run_check(catalog_project, FIXTURE_TODAY, strict=False)
    assert "zh_Hans" in report.not_measured
    long = [w for w in report.warnings if w.file == "locales/zh_Hans/LC_MESSAGES/messages.po"]
    assert len(long) == 1
    lines = path.read_text(encoding="utf-8").splitlines()
    assert "这是一个很长很长的句子" in lines[long[0].line - 1]  # where the sentence starts, in its msgstr
    assert lines[long[0].line - 2] == 'msgstr ""' or lines[long[0].line - 1].startswith("msgstr")
    assert "a sentence of 37 characters (more than" in long[0].message
