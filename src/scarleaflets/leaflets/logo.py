"""A clinic's logo as a PNG, for email: most mail apps show no SVG, so an SVG logo is rasterised here.

The SVG is laid out by WeasyPrint in a square page (``object-fit: contain`` keeps its proportions) and the
page is rendered by PDFium at :data:`LOGO_PIXELS` pixels a side on a transparent background, then written as
a PNG with no metadata: the same SVG and the same tools give the same bytes. A PNG logo is used as it is.

It lives with the leaflets because it loads the PDF engine; ``scarleaflets release`` stores each brand's PNG
in the release (``logos/<brand>.png``), so the sender reads a file and never loads WeasyPrint. Only a preview
from the working tree renders it here, once per brand (see ``releases/working_tree.py``).
"""

from __future__ import annotations

import io
from pathlib import Path
from urllib.parse import quote

LOGO_PIXELS = 144  # shown at 48 CSS px: sharp on screens of three device pixels per CSS pixel
_PAGE_PT = 36  # the square page, in points (48 CSS px)


def logo_png(logo: Path) -> bytes:
    """The logo file as PNG bytes: a PNG as it is, an SVG rendered at LOGO_PIXELS a side."""
    if logo.suffix.lower() == ".png":
        return logo.read_bytes()
    import pypdfium2 as pdfium
    from weasyprint import HTML

    html = (
        f"<style>@page {{ size: {_PAGE_PT}pt {_PAGE_PT}pt; margin: 0 }} html, body {{ margin: 0 }}"
        f"img {{ display: block; width: {_PAGE_PT}pt; height: {_PAGE_PT}pt; object-fit: contain }}</style>"
        f'<img src="{quote(logo.name)}" alt="">'
    )
    pdf = HTML(string=html, base_url=logo.as_uri()).write_pdf()
    document = pdfium.PdfDocument(pdf)
    try:
        image = document[0].render(scale=LOGO_PIXELS / _PAGE_PT, fill_color=(255, 255, 255, 0)).to_pil()
    finally:
        document.close()
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()
