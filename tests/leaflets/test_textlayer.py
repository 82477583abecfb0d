"""The PDF text layer, in every script: actualtext.py writes /ActualText for the clusters a ToUnicode map
cannot spell (Devanagari), placed_glyphs.py draws marks placed with an offset (Arabic harakat) as glyphs of
their own, leaving other text byte for byte as WeasyPrint draws it; audit/textlayer.py finds a PDF whose
extracted words are not the HTML's, and fails on the unfixed Hindi and Arabic output."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
from types import SimpleNamespace

import pypdfium2
import pytest
import weasyprint.draw.text as weasyprint_draw_text
from pypdf import PdfReader
from weasyprint.pdf.fonts import Font

from scarleaflets.leaflets import actualtext, placed_glyphs
from scarleaflets.leaflets.audit import AuditedLeaflet, Margins
from scarleaflets.leaflets.audit.textlayer import (
    check_text_layer,
    extracted_words,
    match_words,
    visible_text,
    words,
)
from scarleaflets.leaflets.pdf import PdfRenderer

from ..conftest import REPO

WHEN = dt.date(2026, 6, 1)
FACES = "".join(
    f'@font-face {{ font-family: "{family}"; font-weight: {weight}; src: url("fonts/{file}"); }}'
    for family, weight, file in (
        ("Noto Sans", "normal", "NotoSans-Regular.ttf"),
        ("Noto Sans", "bold", "NotoSans-Bold.ttf"),
        ("Noto Sans Devanagari", "normal", "NotoSansDevanagari-Regular.ttf"),
        ("Noto Sans Devanagari", "bold", "NotoSansDevanagari-Bold.ttf"),
        ("Noto Naskh Arabic", "normal", "NotoNaskhArabic-Regular.ttf"),
        ("Noto Sans SC", "normal", "NotoSansSC-Regular.otf"),
    )
)
# Sentences of the shipped Hindi catalog and leaflets: reordered vowel signs (ि), conjuncts (क्ल, त्व, स्र),
# nasalisation and nukta.
HINDI = (
    "<h1>निशान के प्रकार</h1><p>पढ़ने में लगभग 5 मिनट। यह जानकारी किसी त्वचा क्लिनिक के लिए है: निशान "
    "धीरे-धीरे बदलते हैं, और कुछ निशानों को इलाज की ज़रूरत नहीं होती।</p>"
    "<ul><li>किसी भी <strong>संक्रमण</strong> के लक्षण दिखें तो क्लिनिक से संपर्क करें।</li>"
    "<li>स्रोत: ब्रिटिश एसोसिएशन ऑफ़ डर्मेटोलॉजिस्ट्स</li><li>डर्मल फ़िलर</li></ul>"
)
OTHERS = {
    "en": (
        "ltr",
        "<h1>Types of scars</h1><p>Reading time about 5 minutes. Call the clinic if the wound "
        "becomes red, hot or swollen.</p>",
    ),
    "ar": (
        "rtl",
        "<h1>أنواع الندبات</h1><p>مدة القراءة حوالي 5 دقائق. اتصل بالعيادة إذا أصبح الجرح أحمر "
        "أو ساخنا أو متورما.</p>",
    ),
    "zh-Hans": ("ltr", "<h1>疤痕的类型</h1><p>阅读时间约5分钟。如果伤口发红、发热或肿胀，请联系诊所。</p>"),
    "vi": (
        "ltr",
        "<h1>Các loại sẹo</h1><p>Thời gian đọc khoảng 5 phút. Hãy gọi cho phòng khám nếu vết "
        "thương bị đỏ, nóng hoặc sưng.</p>",
    ),
    "ru": (
        "ltr",
        "<h1>Виды рубцов</h1><p>Время чтения около 5 минут. Позвоните в клинику, если рана "
        "покраснела, стала горячей или опухла.</p>",
    ),
}


def _html(body: str, lang: str, direction: str = "ltr") -> str:
    stack = '"Noto Sans", "Noto Sans Devanagari", "Noto Naskh Arabic", "Noto Sans SC"'
    return (
        f'<!DOCTYPE html><html lang="{lang}" dir="{direction}"><head><meta charset="utf-8"><title>Title words'
        f"</title><style>{FACES} @page {{ size: A4; margin: 20mm }} html {{ font-family: {stack}; }}"
        f"</style></head><body>{body}</body></html>"
    )


def _leaflet(html: str, pdf: bytes, lang: str) -> AuditedLeaflet:
    return AuditedLeaflet("test.pdf", pdf, html, lang, "ltr", "topic", Margins(20, 20, 20, 20))


def _render(html: str) -> bytes:
    return PdfRenderer(REPO).render(html, WHEN, b"0" * 16).data


@pytest.fixture
def without_actual_text(monkeypatch):
    """WeasyPrint's own text drawing, as it was before the project's fix."""
    monkeypatch.setattr(
        weasyprint_draw_text, "draw_first_line", weasyprint_draw_text.draw_first_line.__wrapped__
    )


def _pdfium_text(pdf: bytes) -> str:
    return "\n".join(page.text for page in _leaflet("", pdf, "hi").pages)


def test_words_are_normalised_and_punctuation_is_no_word():
    assert words("Emer\u00adgency, call 999!") == ["emergency", "call", "999"]
    assert words("cafe\u0301 CAFÉ") == ["café", "café"]  # NFC and case folding
    assert words("मि\u200dनट — है।") == ["मिनट", "है"]  # marks belong to the word, ZWJ is dropped
    assert words("阅读时间约5分钟。") == list("阅读时间约5分钟")  # a line may break between any two
    assert extracted_words("emer-\r\ngency and follow-\nup") == [
        "emer", "gency", "and", "follow", "up", "emergency", "followup",
    ]  # fmt: skip


def test_visible_text_is_the_printed_body_only():
    html = (
        "<html><head><title>Only in the title</title><style>p { color: red }</style></head><body>"
        '<p>Shown <img alt="alternative words" src="x.png"> text<br>next</p><template>Never</template>'
        "<div hidden>Hidden words</div><svg><title>SVG title</title><text>Label</text></svg>"
        "<script>var code = 1;</script><p>After</p></body></html>"
    )
    assert words(visible_text(html)) == ["shown", "text", "next", "label", "after"]


def test_match_counts_each_word_as_often_as_the_source_has_it():
    result = match_words("the scar and the wound", "the scar and wound")
    assert (result.found, result.total, result.missing) == (4, 5, ("the",))
    assert match_words("", "anything").ratio == 1.0


# Words of the shipped Arabic catalog with harakat: tanween (ساخنًا), shadda (مسطّحة, يغيّر), damma (مُرتفعة).
ARABIC_HARAKAT = "<p>أو ساخنًا أو متورمًا ثم مسطّحة، وقد تكون الندبة مُرتفعة، والعلاج يغيّر ملمس الجلد.</p>"


def _without_placed_glyphs(monkeypatch) -> None:
    """WeasyPrint's own drawing of marks placed with an offset (a text rise), as before the project's fix."""
    monkeypatch.setattr(placed_glyphs, "place", lambda stream, textbox: 0)


def _marks(pdf: bytes) -> list[tuple[str, tuple[float, ...]]]:
    """Each Arabic mark PDFium finds, with the box of its outline on the page, top to bottom, right to left."""
    document = pypdfium2.PdfDocument(pdf)
    found = []
    for page in document:
        text = page.get_textpage()
        for index in range(text.count_chars()):
            char = text.get_text_range(index, 1)
            if "\u064b" <= char <= "\u0670":
                found.append((char, tuple(round(value, 1) for value in text.get_charbox(index))))
    return sorted(found, key=lambda mark: (-mark[1][1], -mark[1][0]))


def _poppler_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "extract.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        [str(PDFTOTEXT), "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_arabic_words_with_harakat_are_extracted_whole_by_every_reader(tmp_path):
    html = _html(ARABIC_HARAKAT, "ar", "rtl")
    pdf = _render(html)
    assert check_text_layer(_leaflet(html, pdf, "ar")) == []
    source = visible_text(html)
    assert match_words(source, _pdfium_text(pdf)).missing == ()
    pypdf_text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert match_words(source, pypdf_text).missing == ()
    if PDFTOTEXT is not None:
        assert match_words(source, _poppler_text(pdf, tmp_path)).missing == ()
    for word in ("ساخنًا", "مسطّحة", "مُرتفعة", "يغيّر"):
        assert word in words(_pdfium_text(pdf))


def test_marks_drawn_with_a_text_rise_are_a_finding(monkeypatch):
    """WeasyPrint alone: PDFium reads each raised mark apart from its word."""
    _without_placed_glyphs(monkeypatch)
    html = _html(ARABIC_HARAKAT, "ar", "rtl")
    (finding,) = check_text_layer(_leaflet(html, _render(html), "ar"))
    assert "ساخنًا" in finding.message
    assert "مسطّحة" in finding.message


def test_placed_marks_are_printed_where_weasyprint_put_them(monkeypatch):
    html = _html(ARABIC_HARAKAT, "ar", "rtl")
    placed = _render(html)
    _without_placed_glyphs(monkeypatch)
    offset = _render(html)
    assert placed != offset
    placed_marks, offset_marks = _marks(placed), _marks(offset)
    assert len(placed_marks) == len(offset_marks) == 5
    for (char, box), (offset_char, offset_box) in zip(placed_marks, offset_marks, strict=True):
        assert char == offset_char
        assert all(abs(a - b) <= 0.1 for a, b in zip(box, offset_box, strict=True)), (char, box, offset_box)
    # No text rise is left: each line is one run of glyphs.
    assert b" Ts" not in PdfReader(io.BytesIO(placed)).pages[0].get_contents().get_data()
    assert b" Ts" in PdfReader(io.BytesIO(offset)).pages[0].get_contents().get_data()


def test_placed_glyphs_give_equal_bytes_for_equal_html():
    html = _html(ARABIC_HARAKAT + HINDI, "ar", "rtl")
    assert _render(html) == _render(html)


def test_a_right_to_left_pdf_of_other_words_is_a_finding():
    html = _html("<p>اتصل بالعيادة إذا أصبح الجرح أحمر</p>", "ar", "rtl")
    pdf = _render(_html("<p>اتصل بالطبيب إذا صار الجلد أزرق</p>", "ar", "rtl"))
    (finding,) = check_text_layer(_leaflet(html, pdf, "ar"))
    assert "holds 2 of 6 words" in finding.message  # اتصل, إذا


def test_a_pdf_of_other_words_is_a_finding():
    html = _html("<p>Call the clinic if the wound becomes red.</p>", "en")
    pdf = _render(_html("<p>Call the surgery if the cut turns pink.</p>", "en"))
    (finding,) = check_text_layer(_leaflet(html, pdf, "en"))
    assert finding.check == "text layer"
    assert "holds 4 of 8 words" in finding.message
    assert "missing: clinic, wound, becomes, red" in finding.message


def test_unfixed_hindi_text_layer_is_a_finding(without_actual_text):
    """The symptom of issue 13: WeasyPrint's own ToUnicode map garbles Devanagari (मनट for मिनट)."""
    html = _html(HINDI, "hi")
    pdf = _render(html)
    assert "/ActualText" not in PdfReader(io.BytesIO(pdf)).pages[0].get_contents().get_data().decode(
        "latin-1"
    )
    text = _pdfium_text(pdf)
    assert "मिनट" not in words(text)
    (finding,) = check_text_layer(_leaflet(html, pdf, "hi"))
    assert "missing:" in finding.message


def test_hindi_text_layer_reads_the_source_words():
    html = _html(HINDI, "hi")
    pdf = _render(html)
    leaflet = _leaflet(html, pdf, "hi")
    assert check_text_layer(leaflet) == []
    result = match_words(visible_text(html), _pdfium_text(pdf))
    assert result.ratio == 1.0, result.missing
    for word in ("मिनट", "निशान", "है", "क्लिनिक", "त्वचा", "स्रोत", "ज़रूरत", "फ़िलर"):
        assert word in words(_pdfium_text(pdf))


PDFTOTEXT = shutil.which("pdftotext")


@pytest.mark.skipif(PDFTOTEXT is None, reason="poppler's pdftotext is not installed (make system-deps)")
def test_a_second_extractor_reads_the_same_hindi_words(tmp_path):
    """Poppler honours /ActualText as PDFium does (pypdf does not: see the developers' guide)."""
    html = _html(HINDI, "hi")
    path = tmp_path / "hi.pdf"
    path.write_bytes(_render(html))
    text = subprocess.run(
        [str(PDFTOTEXT), "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert match_words(visible_text(html), text).ratio == 1.0


@pytest.mark.parametrize("lang", sorted(OTHERS))
def test_other_scripts_read_the_source_words_and_are_drawn_as_before(lang, monkeypatch):
    direction, body = OTHERS[lang]
    html = _html(body, lang, direction)
    pdf = _render(html)
    assert check_text_layer(_leaflet(html, pdf, lang)) == []
    assert match_words(visible_text(html), _pdfium_text(pdf)).ratio == 1.0
    # A script whose clusters are single glyphs gets no actual text: the same bytes as WeasyPrint's own.
    monkeypatch.setattr(
        weasyprint_draw_text, "draw_first_line", weasyprint_draw_text.draw_first_line.__wrapped__
    )
    assert _render(html) == pdf


def test_actual_text_spans_sit_inside_the_tagged_content_and_the_bytes_are_reproducible():
    html = _html(HINDI, "hi")
    pdf = _render(html)
    assert _render(html) == pdf
    reader = PdfReader(io.BytesIO(pdf))
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert root["/Lang"] == "hi"
    content = reader.pages[0].get_contents().get_data().decode("latin-1")
    spans = re.findall(r"/Span <</ActualText <FEFF([0-9A-F]+)>>> BDC", content)
    texts = [bytes.fromhex(span).decode("utf-16-be") for span in spans]
    assert "मिनट। " in texts  # the whole word, with the space after it
    stack: list[str] = []
    inside: list[bool] = []
    for token in re.finditer(r"<<(/MCID|/ActualText)[^>]*>*\s*BDC|\bBDC\b|\bBMC\b|\bEMC\b", content):
        if token.group().endswith("EMC"):
            stack.pop()
            continue
        kind = token.group(1) or "other"
        if kind == "/ActualText":
            inside.append("/MCID" in stack)
        stack.append(kind)
    assert stack == []
    assert inside
    assert all(inside)


def test_glyph_texts_give_each_glyph_its_own_letters():
    letters = {50: "म", 44: "न"}
    # मि is drawn vowel sign first (glyph 608, no letter of its own), then म.
    assert actualtext.glyph_texts("मि", (608, 50), letters) == {608: "ि", 50: "म"}
    # A conjunct of two glyphs, neither a letter's own: the first takes the letters.
    assert actualtext.glyph_texts("क्ल", (183, 54), {}) == {183: "क्ल", 54: ""}
    # The font's फ़ is the precomposed U+095E, the text's is फ + nukta: the same letter.
    assert actualtext.glyph_texts("\u092b\u093c\u093f", (607, 98), {98: "\u095e"}) == {
        607: "\u093f",
        98: "\u092b\u093c",
    }
    assert actualtext.install() is None  # installing again changes nothing
    assert weasyprint_draw_text.draw_first_line.__wrapped__.__module__ == "weasyprint.draw.text"


def test_a_line_drawn_otherwise_than_expected_is_left_as_drawn():
    drawn = [b"/F1 16 Tf", b"[<0260>0<0032>0<002c>] TJ"]
    wrapped = [(0, 2, "मि")]
    assert actualtext._rewrite(drawn, 3, wrapped) == [
        b"/F1 16 Tf",
        b"/Span <</ActualText <FEFF092E093F>>> BDC",
        b"[<0260>0<0032>0] TJ",
        b"EMC",
        b"[<002c>] TJ",
    ]
    assert actualtext._rewrite(drawn, 4, wrapped) is None  # not the glyphs of the line
    assert actualtext._rewrite([b"[<0260>(x)] TJ"], 1, [(0, 1, "ि")]) is None  # an operand it does not know


def test_placed_glyphs_and_missing_glyphs_are_numbered_apart():
    """WeasyPrint numbers the glyphs a font lacks past the font's own glyphs; placed glyphs are numbered there
    too, so the two never share a number, whichever comes first."""
    font = SimpleNamespace(glyph_count=100, missing={}, family="Test")
    placed = placed_glyphs._Placed(b"")
    setattr(font, placed_glyphs._ATTRIBUTE, placed)
    assert placed_glyphs._number(font, placed, (5, 10, 200)) == 100
    assert Font.get_unused_glyph_id(font, 0xE000) == 101
    assert Font.get_unused_glyph_id(font, 0xE000) == 101
    assert placed_glyphs._number(font, placed, (6, 0, 150)) == 102
    assert Font.get_unused_glyph_id(font, 0xE001) == 103
    assert sorted([*placed.glyphs.values(), *font.missing.values()]) == [100, 101, 102, 103]


def test_a_font_with_no_glyph_number_left_keeps_weasyprints_offsets():
    """Glyph numbers are two bytes: in a font of 65,534 glyphs one copy fits; the next keeps its offset, and
    the last number stays WeasyPrint's, for its missing glyphs."""
    font = SimpleNamespace(glyph_count=0xFFFE, missing={}, family="Test")
    placed = placed_glyphs._Placed(b"")
    setattr(font, placed_glyphs._ATTRIBUTE, placed)
    assert placed_glyphs._number(font, placed, (5, 10, 200)) == 0xFFFE
    assert placed_glyphs._number(font, placed, (5, 10, 200)) == 0xFFFE
    assert placed_glyphs._number(font, placed, (6, 0, 150)) is None
    assert Font.get_unused_glyph_id(font, 0xE000) == 0xFFFF
    assert Font.get_unused_glyph_id(font, 0xE001) == 0xFFFF  # as WeasyPrint does once none is left
