"""The text a PDF's reader copies, searches and speaks: the source text, also for scripts whose glyphs are
drawn in another order than their letters are read (Devanagari).

WeasyPrint writes text as glyphs and maps each glyph back to text with the font's ``ToUnicode`` table, which
holds one text per glyph. It takes the text of a glyph from the first cluster the glyph is drawn in: the
cluster's text goes to the cluster's last glyph and its other glyphs get no text at all. That is right for
Latin, Cyrillic, Chinese and most Arabic, where a cluster is one glyph; it is wrong for Devanagari, where a
cluster is often several glyphs, in another order than the letters. In मि (म then the vowel sign ि) the vowel
sign is drawn first, left of the consonant: WeasyPrint gives the vowel-sign glyph no text and the म glyph the
text "मि" — from then on every म of the document reads "मि", and every empty glyph reads as nothing (PDFium
then shows the glyph's number as a letter, ``ɠ``). Extracted text read ``मनट``, ``निशानि``, ``हिै``.

No table of one text per glyph can fix this: a glyph drawn before the letter it follows cannot be read in
the right order from the glyphs alone. PDF's answer is marked content with ``/ActualText`` (ISO 32000-1,
14.9.4): the exact text of a run of glyphs, which text extraction, search and assistive technology use
instead of the glyphs' own. Chromium (Skia) writes its PDFs the same way. So this module, installed once in
the process by :func:`install` (which :mod:`.pdf` calls when it is imported), wraps WeasyPrint's function
that draws a line of text:

- before the line is drawn, every glyph that the document has not drawn yet gets its own text, not its
  cluster's: the letter whose glyph it is in the font's ``cmap`` (म for the म glyph), and the cluster's
  remaining letters for a glyph that is no letter's own (the vowel-sign variants, half forms, conjuncts);
  a vowel sign or other mark that HarfBuzz shapes as a cluster of its own is taken with its base (कु);
- a cluster needs its text as actual text when its glyphs' texts, read in drawing order, are not its text
  (मि drawn ि, म), or when a glyph of it is drawn off its pen position (the ु of कु, placed under क by
  moving back: PDFium and Poppler then read a gap, and put a space inside the word);
- after the line is drawn, every word (with the space after it) that has such a cluster is cut out of its
  ``TJ`` and wrapped in ``/Span <</ActualText <FEFF…>>> BDC … EMC``. A whole word, not the cluster alone:
  PDFium drops a space drawn alone between two spans (``केलिए`` for के लिए).

Everything else is left as WeasyPrint wrote it: glyphs, positions and the structure tags (the spans nest
inside the tagged content, which PDF/UA allows); the output is a function of the input, so equal HTML still
gives equal bytes, and a line without such clusters or offset marks (Latin, Cyrillic, Chinese, Vietnamese,
Arabic without harakat) is drawn byte for byte as before.

Right-to-left runs get no actual text (both readers reorder actual text as if it were drawn left to right),
and need none: their clusters are read in drawing order once each glyph has its own text (a mark its mark,
the base its letter), and an Arabic vowel mark (haraka) that the font places with an offset, which WeasyPrint
would draw as a text object of its own (read apart from its word), is drawn in place as a glyph of its own:
:mod:`.placed_glyphs`, called here just before WeasyPrint draws the line.

The wrapper checks what it rewrites: if the glyphs it finds in the drawn operators are not the glyphs of the
line (a WeasyPrint release that draws differently), the line is left exactly as WeasyPrint drew it, and the
text-layer audit (:mod:`.audit.textlayer`) reports the words that then read wrong.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache, wraps
from typing import Any, TypeAlias

import weasyprint.draw.text as weasyprint_draw_text
from fontTools.ttLib import TTFont
from weasyprint.text.ffi import ffi, pango

from . import placed_glyphs

_MARK = "_scarleaflets_actual_text"
_Untyped: TypeAlias = Any  # WeasyPrint's objects (boxes, streams, Pango structures) have no types
_TJ = re.compile(rb"\[(.*)\] TJ", re.DOTALL)
_TOKEN = re.compile(rb"<([0-9a-f]*)>|(-?[0-9.]+(?:e[-+]?[0-9]+)?)")


@dataclass(frozen=True)
class _Cluster:
    text: str
    glyphs: tuple[int, ...]  # glyph ids in drawing order (PANGO_GLYPH_EMPTY left out)
    rtl: bool
    shifted: bool  # a glyph is drawn off its pen position (a mark placed on its base)


@lru_cache(maxsize=16)
def _letters_by_glyph(file_content: bytes, index: int) -> dict[int, str]:
    """The letter each glyph of a font is the glyph of (its ``cmap``), the smallest code point first."""
    font = TTFont(io.BytesIO(file_content), fontNumber=index, lazy=True)
    letters: dict[int, str] = {}
    for codepoint, name in sorted((font.getBestCmap() or {}).items()):
        letters.setdefault(font.getGlyphID(name), chr(codepoint))
    font.close()
    return letters


def glyph_texts(cluster: str, glyphs: Sequence[int], letters: dict[int, str]) -> dict[int, str]:
    """Each glyph's own text in a cluster: the letter it is the glyph of, where that letter is in the cluster
    (compared decomposed: the font's फ़ is U+095E, the text's फ़ is फ + nukta); the letters left go, in
    reading order, to the first glyph that is no letter's own (or, if every glyph is one, to the last)."""
    texts: dict[int, str] = {}
    left = unicodedata.normalize("NFD", cluster)
    for glyph in glyphs:
        letter = letters.get(glyph)
        if letter is None or glyph in texts:
            continue
        decomposed = unicodedata.normalize("NFD", letter)
        if decomposed in left:
            texts[glyph] = unicodedata.normalize("NFC", decomposed)
            left = left.replace(decomposed, "", 1)
    others = [glyph for glyph in glyphs if glyph not in texts]
    rest = unicodedata.normalize("NFC", left)
    for number, glyph in enumerate(others):
        texts[glyph] = rest if number == 0 else ""
    if rest and not others:
        texts[glyphs[-1]] += rest
    return texts


def _line_clusters(textbox: _Untyped) -> list[tuple[_Untyped, list[_Cluster]]]:
    """The clusters of the first line of ``textbox``'s layout, run by run, as WeasyPrint will draw them."""
    first_line, _ = textbox.pango_layout.get_first_line()
    utf8 = textbox.pango_layout.text.encode()
    runs = []
    run = first_line.runs[0] if first_line.runs != ffi.NULL else ffi.NULL
    while run != ffi.NULL:
        item = run.data
        run = run.next
        count = item.glyphs.num_glyphs
        starts = [item.glyphs.log_clusters[i] for i in range(count)]
        ends = [*sorted(set(starts)), item.item.length]
        end_of = {start: ends[ends.index(start) + 1] for start in set(starts)}
        rtl = bool(item.item.analysis.level % 2)
        clusters: list[_Cluster] = []
        glyphs: list[int] = []
        shifted = False
        for i in range(count):
            info = item.glyphs.glyphs[i]
            if info.glyph != pango.PANGO_GLYPH_EMPTY:
                glyphs.append(info.glyph)
                shifted = shifted or info.geometry.x_offset != 0
            if i == count - 1 or starts[i + 1] != starts[i]:
                offset = item.item.offset
                text = utf8[offset + starts[i] : offset + end_of[starts[i]]].decode()
                cluster = _Cluster(text, tuple(glyphs), rtl, shifted)
                if not rtl and clusters and unicodedata.category(text[:1]).startswith("M"):
                    # A mark shaped as its own cluster is read with its base (कु, not कु + a gap).
                    last = clusters.pop()
                    cluster = _Cluster(
                        last.text + text, last.glyphs + cluster.glyphs, rtl, last.shifted or shifted
                    )
                clusters.append(cluster)
                glyphs = []
                shifted = False
        runs.append((item.item.analysis.font, clusters))
    return runs


def _actual_text(text: str) -> bytes:
    encoded = ("\ufeff" + text).encode("utf-16-be").hex().upper().encode()
    return b"/Span <</ActualText <" + encoded + b">>> BDC"


def _rewrite(items: list[Any], glyph_count: int, wrapped: list[tuple[int, int, str]]) -> list[Any] | None:
    """``items`` (the operators WeasyPrint drew for one line) with the glyph ranges ``wrapped`` (first glyph,
    glyph after the last, text) each cut out of its ``TJ`` into a span with that actual text; None if the
    glyphs drawn are not ``glyph_count`` glyphs."""
    out: list[Any] = []
    starts = {first: (after, text) for first, after, text in wrapped}
    glyph = 0
    ends_at: int | None = None  # the glyph after the open span's last
    closing = False  # the open span has all its glyphs: it ends before the next glyph or operator
    pieces: list[bytes] = []

    def flush() -> None:
        if pieces:
            out.append(b"[" + b"".join(pieces) + b"] TJ")
            pieces.clear()

    def close() -> None:
        nonlocal ends_at, closing
        flush()
        out.append(b"EMC")
        ends_at, closing = None, False

    for item in items:
        match = _TJ.fullmatch(item) if isinstance(item, bytes) else None
        if match is None:
            if closing:
                close()
            out.append(item)  # an operator between TJs, also inside a span (a mark's text rise)
            continue
        content = match.group(1)
        if b"".join(token.group() for token in _TOKEN.finditer(content)) != content.replace(b" ", b""):
            return None
        for token in _TOKEN.finditer(content):
            hexa, number = token.groups()
            if number is not None:
                # A move after a span's last glyph stays in the span: the span ends where the next glyph starts.
                pieces.append(number if not pieces or pieces[-1].endswith(b">") else b" " + number)
                continue
            size = 2 if len(hexa) % 4 else 4  # bitmap fonts have one-byte codes
            if not hexa:
                pieces.append(b"<>")
            for start in range(0, len(hexa), size):
                if closing:
                    close()
                if glyph in starts:
                    flush()
                    after, text = starts[glyph]
                    out.append(_actual_text(text))
                    ends_at = after
                pieces.append(b"<" + hexa[start : start + size] + b">")
                glyph += 1
                closing = glyph == ends_at
        flush()
    if closing:
        close()
    if ends_at is not None:
        return None
    return out if glyph == glyph_count else None


def _words_to_wrap(drawn: list[tuple[int, int, str, bool, bool]]) -> list[tuple[int, int, str]]:
    """The glyph ranges to wrap, with their text: each word (with the space after it) that has a cluster
    needing actual text. A whole word, not the cluster alone: PDFium loses a space drawn alone between two
    spans, and reads a word cut into several spans less reliably than one."""
    wrapped: list[tuple[int, int, str]] = []
    word: list[tuple[int, int, str, bool, bool]] = []

    def close() -> None:
        if any(needs for *_, needs, _ in word):
            first = word[0][0]
            after = word[-1][0] + word[-1][1]
            wrapped.append((first, after, "".join(text for _, _, text, _, _ in word)))
        word.clear()

    for cluster in drawn:
        if word and cluster[4] != word[-1][4]:
            close()
        word.append(cluster)
        if cluster[2].isspace():
            close()
    close()
    return wrapped


def _draw_first_line_with_actual_text(original: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(original)
    def draw_first_line(
        stream: _Untyped,
        textbox: _Untyped,
        text_overflow: _Untyped,
        block_ellipsis: _Untyped,
        matrix: _Untyped,
    ) -> _Untyped:
        # Left to WeasyPrint: a line whose text it changes (an ellipsis), and one it does not draw.
        untouched = text_overflow == "ellipsis" or block_ellipsis != "none"
        if untouched or not textbox.text.strip() or textbox.style["font_size"] < 1e-6:
            return original(stream, textbox, text_overflow, block_ellipsis, matrix)
        pango.pango_layout_set_single_paragraph_mode(textbox.pango_layout.layout, True)
        # Each cluster: its first glyph's index in the line, its glyph count, its text, whether it needs its
        # text as actual text, whether it is right to left.
        drawn: list[tuple[int, int, str, bool, bool]] = []
        glyph_count = 0
        for pango_font, clusters in _line_clusters(textbox):
            font, _ = stream.add_font(pango_font)
            letters = _letters_by_glyph(font.file_content, font.index) if not font.bitmap else {}
            for cluster in clusters:
                if len(cluster.glyphs) > 1:
                    own = glyph_texts(cluster.text, cluster.glyphs, letters)
                    for glyph in cluster.glyphs:
                        font.to_unicode.setdefault(glyph, own[glyph])
                elif len(cluster.glyphs) == 1:
                    font.to_unicode.setdefault(cluster.glyphs[0], cluster.text)
                read = "".join(font.to_unicode.get(glyph, "") for glyph in cluster.glyphs)
                # A glyph without text reads as its number in PDFium (ɠ): the cluster needs its actual text too.
                empty = any(not font.to_unicode.get(glyph) for glyph in cluster.glyphs)
                needs = (
                    bool(cluster.glyphs)
                    and not cluster.rtl
                    and (read != cluster.text or cluster.shifted or empty)
                )
                drawn.append((glyph_count, len(cluster.glyphs), cluster.text, needs, cluster.rtl))
                glyph_count += len(cluster.glyphs)
        wrapped = _words_to_wrap(drawn)
        # Marks drawn with an offset become glyphs drawn in place, with the texts just given.
        placed_glyphs.place(stream, textbox)
        start = len(stream.stream)
        emojis = original(stream, textbox, text_overflow, block_ellipsis, matrix)
        if wrapped:
            rewritten = _rewrite(stream.stream[start:], glyph_count, wrapped)
            if rewritten is not None:
                stream.stream[start:] = rewritten
        return emojis

    setattr(draw_first_line, _MARK, True)
    return draw_first_line


def install() -> None:
    """Make WeasyPrint write actual text for the clusters its ``ToUnicode`` map cannot spell (once per process;
    again is a no-op)."""
    current = weasyprint_draw_text.draw_first_line
    if not getattr(current, _MARK, False):
        weasyprint_draw_text.draw_first_line = _draw_first_line_with_actual_text(current)
