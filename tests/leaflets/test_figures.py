"""Figures in real leaflets (WeasyPrint PDFs, read back with pypdfium2): each drawing at least 80 mm wide and
inside the page's text box, each layer's translated label in the PDF's text layer beside the band it names,
and each figure on the same page as its section's heading, in English, Arabic, Hindi and Chinese.

A drawing is found by its subcutaneous fat: every figure of scar-types draws that layer as one rectangle of
fill #f5dc8c across the drawing's whole width, from 140 to 180 of its 320 by 180 viewBox (as its YAML
declares), so the rectangle gives the drawing's width, its scale and where each band lies on the page.
"""

from __future__ import annotations

import ctypes
import unicodedata
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest

from scarleaflets.content import FigureRef, load_content
from scarleaflets.i18n import Translator
from scarleaflets.views import topic_view

from ..conftest import SHIPPED_TODAY

pytestmark = pytest.mark.slow  # four real leaflets

CASES = [("riverside", "en_GB"), ("riverside", "ar"), ("riverside", "hi"), ("harbor", "zh_Hans")]
TOPIC = "scar-types"
FAT_FILL = (0xF5, 0xDC, 0x8C)
VIEWBOX_WIDTH = 320
MM = 72 / 25.4
PAGE_MARGIN_MM = 17  # the side margins of @page in leaflet.css.j2


def _compared(c: str, locale: str) -> bool:
    """Whether a character takes part in comparing the extracted text with the catalog's.

    Until the text layer is fixed (issue 13, item 4) extraction garbles some scripts: WeasyPrint maps a
    Devanagari glyph first seen in a reordered cluster to that whole cluster, so an i-matra (U+093F) or a
    stray Latin letter turns up where none was written ("परत" reads "पिरत", "पिक" reads "ɟपिक"); Arabic
    combining marks (shadda, tanween) come out at the start of the line and brackets mirrored. In those two
    scripts only the script's letters (and digits) are compared, on both sides, in order.
    """
    if c.isspace():
        return False
    if locale == "hi":
        return "\u0900" <= c <= "\u097f" and c != "\u093f"
    if locale == "ar":
        return unicodedata.category(c)[0] in "LN"
    return True


@dataclass(frozen=True)
class Drawing:
    page: int
    left: float
    right: float
    top: float  # PDF points, y upwards

    @property
    def unit(self) -> float:
        return (self.right - self.left) / VIEWBOX_WIDTH

    def band(self, top: float, bottom: float) -> tuple[float, float]:
        """The page's y range of a band given in the drawing's units from its top."""
        return self.top - bottom * self.unit, self.top - top * self.unit


@dataclass(frozen=True)
class Found:
    page: int
    x: float  # centre of its first character
    y: float
    size: float  # font size of its first character


@pytest.fixture(scope="module")
def leaflets(matrix_dir):
    """The scar-types leaflets of CASES, from the session's leaflet matrix (tests/leaflets/conftest.py)."""
    return matrix_dir


def _fill(obj: pdfium.PdfObject) -> tuple[int, int, int]:
    r, g, b, a = (ctypes.c_uint() for _ in range(4))
    pdfium_c.FPDFPageObj_GetFillColor(obj.raw, *(ctypes.byref(c) for c in (r, g, b, a)))
    return r.value, g.value, b.value


def _drawings(pdf: pdfium.PdfDocument) -> list[Drawing]:
    """Every figure's drawing, in reading order (page, then top down)."""
    found = []
    for number, page in enumerate(pdf):
        for obj in page.get_objects(max_depth=4):
            if obj.type == pdfium_c.FPDF_PAGEOBJ_PATH and _fill(obj) == FAT_FILL:
                left, _, right, top = obj.get_bounds()
                unit = (right - left) / VIEWBOX_WIDTH
                found.append(Drawing(number, left, right, top + 140 * unit))
    return sorted(found, key=lambda d: (d.page, -d.top))


def _occurrences(pdf: pdfium.PdfDocument, text: str, locale: str) -> list[Found]:
    """Every place ``text`` appears in the PDF's extracted text (compared as :func:`_compared` says)."""
    wanted = "".join(c for c in text if _compared(c, locale))
    found = []
    for number, page in enumerate(pdf):
        textpage = page.get_textpage()
        kept = [(c, index) for index, c in enumerate(textpage.get_text_range()) if _compared(c, locale)]
        flat = "".join(c for c, _ in kept)
        start = flat.find(wanted)
        while start != -1:
            index = kept[start][1]
            left, bottom, right, top = textpage.get_charbox(index)
            size = pdfium_c.FPDFText_GetFontSize(textpage.raw, index)
            found.append(Found(number, (left + right) / 2, (bottom + top) / 2, size))
            start = flat.find(wanted, start + 1)
    return found


@pytest.mark.parametrize(("brand", "locale"), CASES)
def test_figures_are_wide_labelled_and_kept_with_their_heading(leaflets, shipped_project, brand, locale):
    content = load_content(shipped_project.root, SHIPPED_TODAY)
    topic = content.topics[TOPIC]
    view = topic_view(topic, Translator.load(shipped_project, locale))
    placed = [(section, block) for section in view.sections for block in section.blocks if block.figure]
    declared = [
        topic.figure(block.figure_id)
        for section in topic.sections
        for block in section.blocks
        if isinstance(block, FigureRef)
    ]
    pdf = pdfium.PdfDocument(leaflets / brand / locale / f"{TOPIC}.pdf")
    drawings = _drawings(pdf)
    assert len(drawings) == len(placed) == 5

    page_width = pdf[0].get_size()[0]
    for drawing in drawings:
        assert (drawing.right - drawing.left) / MM >= 80
        assert drawing.left >= PAGE_MARGIN_MM * MM - 0.5
        assert drawing.right <= page_width - PAGE_MARGIN_MM * MM + 0.5

    for (section, block), model_figure, drawing in zip(placed, declared, drawings, strict=True):
        figure = block.figure
        assert figure is not None
        assert [layer.name for layer in figure.layers] == ["epidermis", "dermis", "fat"]
        for layer, model in zip(figure.layers, model_figure.layers, strict=True):
            low, high = drawing.band(model.top, model.bottom)
            beside = [
                f
                for f in _occurrences(pdf, layer.label, locale)
                if f.page == drawing.page
                and low <= f.y <= high
                and not drawing.left <= f.x <= drawing.right
                and PAGE_MARGIN_MM * MM - 0.5 <= f.x <= page_width - PAGE_MARGIN_MM * MM + 0.5
            ]
            assert len(beside) == 1, f"{locale}: label {layer.label!r} not beside the {layer.name} band"

        headings = _occurrences(pdf, section.heading, locale)
        assert headings, f"{locale}: heading {section.heading!r} not in the text"
        largest = max(f.size for f in headings)
        heading = next(f for f in headings if f.size == largest)
        assert heading.page == drawing.page, f"{locale}: {section.heading!r} is parted from its figure"
        assert heading.y > drawing.top
