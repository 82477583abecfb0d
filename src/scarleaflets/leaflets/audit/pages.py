"""What is printed where on each page of a rendered PDF, read back with PDFium: every glyph with its box and
its size in points, and the boxes of the images and drawn shapes.

Coordinates are PDF points with the origin at the bottom left of the page. A glyph's size is its font size
times the scale of the text's transformation (WeasyPrint draws in CSS pixels under a 0.75 scale, so the font
size PDFium reports alone would read 14 for a 10.5 pt text).
"""

from __future__ import annotations

import ctypes
import math
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c  # type: ignore[import-untyped]


@dataclass(frozen=True)
class Box:
    left: float
    bottom: float
    right: float
    top: float

    @property
    def width(self) -> float:
        return self.right - self.left

    @property
    def height(self) -> float:
        return self.top - self.bottom


@dataclass(frozen=True)
class Glyph:
    char: str
    box: Box
    size: float  # points


@dataclass(frozen=True)
class Page:
    number: int  # from 1
    width: float
    height: float
    glyphs: tuple[Glyph, ...]  # visible characters only (no spaces, no line ends)
    images: tuple[Box, ...]
    shapes: tuple[Box, ...]  # filled or stroked paths: backgrounds, borders, rules
    text: str  # the page's text as PDFium extracts it (what copy and search see)


def read_pages(pdf: bytes) -> list[Page]:
    """Every page of ``pdf``, in order."""
    document = pdfium.PdfDocument(pdf)
    try:
        return [_page(document[index], index + 1) for index in range(len(document))]
    finally:
        document.close()


def _page(page: pdfium.PdfPage, number: int) -> Page:
    width, height = page.get_size()
    textpage = page.get_textpage()
    glyphs: list[Glyph] = []
    matrix = pdfium_c.FS_MATRIX()
    for index in range(textpage.count_chars()):
        char = chr(pdfium_c.FPDFText_GetUnicode(textpage.raw, index))
        if not char.strip():
            continue
        left, bottom, right, top = textpage.get_charbox(index)
        if right <= left and top <= bottom:  # generated characters (a line end PDFium inserted) have no box
            continue
        pdfium_c.FPDFText_GetMatrix(textpage.raw, index, ctypes.byref(matrix))
        scale = math.sqrt(abs(matrix.a * matrix.d - matrix.b * matrix.c))
        size = pdfium_c.FPDFText_GetFontSize(textpage.raw, index) * scale
        glyphs.append(Glyph(char, Box(left, bottom, right, top), round(size, 2)))
    images: list[Box] = []
    shapes: list[Box] = []
    for item in page.get_objects(max_depth=8):
        if item.type == pdfium_c.FPDF_PAGEOBJ_IMAGE:
            images.append(Box(*item.get_bounds()))
        elif item.type == pdfium_c.FPDF_PAGEOBJ_PATH:
            shapes.append(Box(*item.get_bounds()))
    text = textpage.get_text_range()
    textpage.close()
    page.close()
    return Page(number, width, height, tuple(glyphs), tuple(images), tuple(shapes), text)
