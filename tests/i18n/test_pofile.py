"""scarleaflets.i18n.pofile against the real GNU gettext 0.21 tools: msgcat is the oracle, msgfmt the judge."""

from __future__ import annotations

import random
import shutil
import subprocess
from pathlib import Path

import babel
import pytest
from babel.messages.catalog import Catalog, Message

from scarleaflets.i18n.pofile import read_po, write_po

from ..conftest import REPO

LOCALES = REPO / "locales"
SHIPPED = [*sorted(LOCALES.glob("*/LC_MESSAGES/messages.po")), LOCALES / "messages.pot"]
MSGCAT = shutil.which("msgcat")
MSGFMT = shutil.which("msgfmt")
needs_msgcat = pytest.mark.skipif(MSGCAT is None, reason="GNU msgcat is not installed")
needs_msgfmt = pytest.mark.skipif(MSGFMT is None, reason="GNU msgfmt is not installed")


def msgcat(data: bytes, width: int = 79) -> bytes:
    """What GNU msgcat writes for the catalog ``data``."""
    return subprocess.run(
        [str(MSGCAT), f"--width={width}", "-"], input=data, capture_output=True, check=True
    ).stdout


def msgfmt_check(data: bytes) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([str(MSGFMT), "--check", "-o", "/dev/null", "-"], input=data, capture_output=True)


def current_generator(data: bytes) -> bytes:
    """``data`` as if this Babel had generated it: Babel always writes its own version in Generated-By."""
    return data.replace(b"Generated-By: Babel 2.18.0", f"Generated-By: Babel {babel.__version__}".encode())


def show(path: Path) -> str:
    return path.relative_to(REPO).as_posix()


@needs_msgcat
@pytest.mark.parametrize("path", SHIPPED, ids=show)
def test_shipped_catalog_saved_by_msgcat_comes_back_byte_for_byte(path):
    saved = msgcat(current_generator(path.read_bytes()))
    assert write_po(read_po(saved)).decode() == saved.decode()


# Strings that exercise GNU's wrap(): escapes, \n, words longer than a line, CJK punctuation, scripts whose
# line breaking classes differ (Arabic, Devanagari, Thai, Hangul, Hebrew), combining and zero-width marks.
EDGE_STRINGS = [
    "",
    "short",
    "\n",
    "\n\nstarts with two newlines",
    "ends with a newline after a sentence that is long enough to need wrapping at seventy-nine columns\n",
    "a newline\nin the middle, then more text that goes on and on until it is longer than one line of output",
    "line one\nline two\n",
    "two newlines at the end\n\n",
    "x" * 120,
    "https://scarleaflets.example.org/a/very/long/address/that/has/no/spaces/and/goes/on/beyond/the/width/x",
    "words then https://scarleaflets.example.org/a/very/long/address/that/has/no/spaces/and/goes/on/beyond/x",
    'quotes "inside" and a backslash \\ and a tab\there and a carriage return\r and more words to wrap this',
    'escapes at the edge: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"b"c\\d\te',
    "a bell \a and a form feed \f and a vertical tab \v in a sentence long enough to wrap somewhere",
    "hyphenated-words-are-broken-after-the-hyphen-by-unicode-line-breaking-rules-so-this-wraps-there",
    "numbers 1,000.50 and 20% and $30 and (parenthesised text) and [brackets] and {braces} and a-b-c to wrap",
    "e.g. this and i.e. that; <P>Some sentence.</P> and <b>bold</b> with tags that must wrap at some point",
    "本指南介绍痤疮可能留下的痘印和瘢痕有什么区别，讲解瘢痕的类型、形成原因以及如何降低风险，然后逐一介绍各种治疗方法：能做到什么、做不到什么。",
    "（括号里的文字）和「引号里的文字」，还有《书名号》！还有问号？还有省略号……还有破折号——到这里为止。这句话够长了吗？应该够了。",
    "Mixed 中文 and English text, 中文和English混在一起，看看在哪里断行才对，这句话要足够长才能换行。",
    "日本語の文章も、句読点「。」や「、」の前では改行しません。ひらがなとカタカナ、そして漢字が混ざっています。",
    "한국어 문장도 공백에서 줄을 바꿉니다. 이 문장은 충분히 길어서 한 줄에 다 들어가지 않을 것입니다. 정말로요.",
    "يمكن أن تترك البثور علامات مسطحة أو ندوبًا دائمة. هذه الجملة طويلة بما يكفي لتلتف على سطرين على الأقل.",
    "मुँहासे के निशान और दाग़ अलग होते हैं। यह वाक्य काफ़ी लंबा है ताकि यह कम से कम दो पंक्तियों में बँट जाए।",
    "Vết thâm do mụn thường mờ dần theo thời gian. Sẹo làm thay đổi kết cấu của da và cần điều trị lâu dài hơn.",
    "Следы от акне часто светлеют сами. Рубцы меняют текстуру кожи — это надолго; лечение помогает частично.",
    "ข้อความภาษาไทยไม่มีช่องว่างระหว่างคำดังนั้นจึงไม่สามารถตัดบรรทัดได้ง่ายเลยแม้แต่น้อยในกรณีนี้นะครับ",
    "עברית עם מקף-באמצע ומילים נוספות כדי שהשורה תהיה ארוכה מספיק כדי להישבר לפחות פעם אחת כאן",
    "combining marks: e\u0301e\u0301e\u0301 and a space before a mark \u0301 and cafe\u0301s, long enough to break",
    "zero\u200bwidth\u200bspaces\u200bbetween\u200bwords\u200bthat\u200bare\u200botherwise\u200bglued\u200btogether\u200bx",
    "no\u00a0break\u00a0spaces\u00a0glue\u00a0these\u00a0words\u00a0together\u00a0so\u00a0GNU\u00a0must\u00a0not\u00a0break",
    "soft\u00adhyphens\u00adin\u00adlong\u00adwords\u00adallow\u00adbreaks\u00adafter\u00adthem\u00adin\u00adUAX14 yes",
    "emoji 👩\u200d⚕️ doctor and flags 🇩🇪🇫🇷🇪🇸 and skin tones 👍🏽 in a sentence long enough to wrap it once",
    "em dash—between words—and en dash – here; ellipsis… and «guillemets» and „German quotes“ to wrap this",
    "fullwidth ＡＢＣ１２３ letters and ｶﾀｶﾅ halfwidth katakana mixed in a line that is long enough to wrap",
    "a                                                                                 lot of spaces",
]


def edge_catalog() -> Catalog:
    catalog = Catalog(locale="de", project="scarleaflets", version="0.1.0", fuzzy=False)
    catalog.last_translator = (
        "A translator whose name and address together are longer than one line <long.address@example.org>"
    )
    catalog.language_team = "German <a-mailing-list-with-a-rather-long-name@scarleaflets.example.org>"
    catalog.header_comment = "# German translations for scarleaflets.\n#\n# A line of the header comment."
    for index, text in enumerate(EDGE_STRINGS):
        catalog.add(
            text or "empty translation",
            text[::-1] if index % 3 else text,
            locations=[("content/edge.yaml", index + 1)],
            context=f"edge/{index}",
        )
    catalog.add(
        "Message with many references",
        "Nachricht mit vielen Verweisen",
        locations=[(f"templates/leaflet/a-rather-long-template-name-{n}.html.j2", 100 + n) for n in range(9)]
        + [("./relative/path.txt", None), ("x" * 90, 7)],
        auto_comments=["An extracted comment.", "word " * 30],
        user_comments=["A translator comment.", "", "| msgid looks like a previous msgid but is a comment"],
    )
    catalog.add(
        ("One %(count)s day", "%(count)s days with a long plural form that has to wrap at some point, yes"),
        ("Ein %(count)s Tag", ""),
        flags=["python-format", "fuzzy"],
    )
    catalog.add(
        "Reply by %(date)s to %(very_long_placeholder_name_that_goes_on_and_on)s, please, or by %(x)s.",
        "Antwort bis %(date)s an %(very_long_placeholder_name_that_goes_on_and_on)s, bitte, oder %(x)s.",
        flags=["python-format"],
    )
    catalog.add(
        "Python directives: " + "%(first name)s %(a (b) c)5.2f %% " * 7,
        "Python-Platzhalter: " + "%(first name)s % 5d %(a (b) c)-5.2f " * 6,
        flags=["python-format"],
    )
    # References that end exactly at the width, and one column past it.
    for extra in (0, 1):
        catalog.add(
            f"References at the edge {extra}", locations=[("a" * 30, 1), ("b" * (41 + extra), 2), ("c", 3)]
        )
    catalog.add("Fuzzy with an empty translation", "", flags=["fuzzy"], previous_id="Fuzzy, empty")
    catalog.add(
        "Fuzzy with a translation",
        "Unscharf mit Übersetzung",
        flags=["fuzzy", "python-format"],
        previous_id=(
            "A previous msgid that is long enough to wrap, with the #| prefix on every line of it, twice over"
        ),
    )
    catalog.add(
        ("Plural", "Plurals"), ("Mehrzahl", "Mehrzahlen"), flags=["fuzzy"], previous_id=["Old", "Olds"]
    )
    catalog.obsolete["gone"] = Message(
        "An obsolete entry with a long msgid that has to wrap, as GNU writes it with its #~ prefix, yes",
        "Ein veralteter Eintrag",
        flags=["fuzzy", "python-format"],
        previous_id="Its previous msgid",
        user_comments=["kept"],
    )
    catalog.obsolete["untranslated"] = Message("An obsolete entry that GNU drops: no translation", "")
    return catalog


@needs_msgcat
def test_edge_cases_are_written_as_msgcat_writes_them():
    written = write_po(edge_catalog())
    assert write_po(edge_catalog()) == written  # deterministic
    assert written.decode() == msgcat(written).decode()


@needs_msgcat
@pytest.mark.parametrize("width", [40, 79, 100])
def test_other_widths_match_msgcat(width):
    written = write_po(edge_catalog(), width=width)
    assert written.decode() == msgcat(written, width=width).decode()


@needs_msgcat
def test_random_text_from_many_scripts_wraps_as_msgcat_wraps_it():
    pool = [
        *"abcdefghij     ,.;:!?-()[]{}\"'\\/%$€#@&*+=<>0123456789\t\n",
        *"中文字，。、：；！？（）「」《》…—",
        *"かなカナー々ゃっ",
        *"한국어",
        *"ابتثجحخدذرزسشصضطظعغفقكلمنهوي،؛؟",
        *"हिंदीक्षत्रज्ञ।॥",
        *"ẠạẢảẤấầẩẫậ",
        *"бвгдеёжзийклмн«»",
        *"אבגדה־",
        *"\u00a0\u00ad\u200b\u200d\u2060\u0301\u0308\u2014\u2013\u2026\u201c\u201d\u2018\u2019",
        *"ไทยภาษา",
        *"😀👍🏽🇩🇪",
    ]
    generator = random.Random(20261125)
    catalog = Catalog(locale="zh_Hans", project="scarleaflets", version="0.1.0")
    for index in range(400):
        length = generator.choice([5, 40, 80, 150, 300])
        text = "".join(generator.choice(pool) for _ in range(length))
        catalog.add(f"random {index}", text, context="random")
    written = write_po(catalog)
    assert written.decode() == msgcat(written).decode()


@needs_msgcat
def test_python_brace_format_differs_from_msgcat_only_in_where_lines_wrap():
    """GNU's python-brace-format parser decides where a directive ends differently in some cases (here it
    breaks inside ``{name: ^10}``); only the line breaks may differ, never the text."""
    catalog = Catalog(locale="de")
    catalog.add(
        "Brace directives: " + "{name:>10} {0[key]} {x.y:+.2f} {{literal}} " * 5,
        "Klammern: " + "{name: ^10} {0[key]} {x.y:+.2f} {{wörtlich}} " * 5,
        flags=["python-brace-format"],
    )
    written = write_po(catalog)
    saved = msgcat(written)
    assert [(m.id, m.string, m.flags) for m in read_po(written)] == [
        (m.id, m.string, m.flags) for m in read_po(saved)
    ]


def update_with_changed_sentence(tmp_path: Path) -> Catalog:
    """The German catalog updated (by Babel) to a template whose "A mark is …" sentence has changed."""
    template = read_po((LOCALES / "messages.pot").read_bytes())
    (old,) = [m for m in template if m.id and str(m.id).startswith("A mark is a flat patch of skin")]
    assert str(old.id).endswith("after a spot heals.")
    template.delete(old.id, old.context)
    template.add(
        str(old.id).replace("after a spot heals.", "after a spot has healed."),
        context=old.context,
        locations=old.locations,
        auto_comments=old.auto_comments,
    )
    catalog = read_po((LOCALES / "de" / "LC_MESSAGES" / "messages.po").read_bytes(), locale="de")
    catalog.update(template, no_fuzzy_matching=False)
    return catalog


def changed_message(catalog: Catalog):
    (message,) = [m for m in catalog if m.previous_id and "after a spot has healed" in m.id]
    return message


@needs_msgfmt
def test_a_fuzzy_entry_with_its_previous_msgid_passes_msgfmt_check(tmp_path):
    catalog = update_with_changed_sentence(tmp_path)
    message = changed_message(catalog)
    assert message.fuzzy
    assert message.previous_id == [
        "A mark is a flat patch of skin that is a different color after a spot heals."
    ]

    written = write_po(catalog)
    assert (
        b'#, fuzzy\n#| msgid ""\n#| "A mark is a flat patch of skin that is a different color after a spot "\n'
        b'#| "heals."\nmsgctxt "marks-vs-scars/summary"\n'
    ) in written
    result = msgfmt_check(written)
    assert result.returncode == 0, result.stderr.decode()

    again = read_po(written, locale="de")
    assert changed_message(again).previous_id == message.previous_id
    assert changed_message(again).user_comments == []
    # The only "| msgid" comments are the "# | msgid" junk that Babel's writer left in the shipped catalogs
    # (GNU reads those as translator comments too); reading adds none.
    assert {(m.id, m.context): m.user_comments for m in again} == {
        (m.id, m.context): m.user_comments for m in catalog
    }
    assert write_po(again) == written


@needs_msgcat
def test_a_fuzzy_entry_with_its_previous_msgid_is_a_fixed_point_of_msgcat(tmp_path):
    written = write_po(update_with_changed_sentence(tmp_path))
    # Babel's update() keeps the old "# | msgid" junk comments of the shipped catalog; msgcat keeps them too.
    assert written.decode() == msgcat(written).decode()


def test_read_po_turns_previous_lines_into_previous_id_for_active_and_obsolete_entries():
    data = b"""\
msgid ""
msgstr ""
"Content-Type: text/plain; charset=utf-8\\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"

# a translator comment
#, fuzzy
#| msgctxt "old/context"
#| msgid ""
#| "the old "
#| "\\"text\\""
#| msgid_plural "old texts"
msgctxt "new/context"
msgid "the new text"
msgid_plural "new texts"
msgstr[0] "der neue Text"
msgstr[1] "die neuen Texte"

#, fuzzy
#~| msgid "obsolete before"
#~ msgid "obsolete"
#~ msgstr "veraltet"
"""
    catalog = read_po(data)
    message = catalog.get(("the new text", "new texts"), context="new/context")
    assert message is not None
    assert message.previous_id == ['the old "text"', "old texts"]
    assert message.user_comments == ["a translator comment"]
    (obsolete,) = catalog.obsolete.values()
    assert obsolete.previous_id == ["obsolete before"]
    assert obsolete.user_comments == []
    written = write_po(catalog).decode()
    assert '#| msgid "the old \\"text\\""\n#| msgid_plural "old texts"\nmsgctxt "new/context"' in written
    assert '#, fuzzy\n#~| msgid "obsolete before"\n#~ msgid "obsolete"\n#~ msgstr "veraltet"\n' in written
