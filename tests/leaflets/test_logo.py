"""leaflets/logo.py: a brand's SVG logo as a PNG for email, the same bytes every time."""

from __future__ import annotations

import io

from PIL import Image

from scarleaflets.leaflets.logo import LOGO_PIXELS, logo_png

from ..conftest import REPO


def test_an_svg_logo_becomes_a_square_transparent_png_and_the_same_bytes_twice():
    svg = REPO / "content" / "brands" / "harbor-logo.svg"
    png = logo_png(svg)
    assert png == logo_png(svg)
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    assert image.size == (LOGO_PIXELS, LOGO_PIXELS)
    rgba = image.convert("RGBA")
    assert rgba.getpixel((0, 0))[3] == 0  # outside the rounded square: transparent
    red, green, blue, alpha = rgba.getpixel((LOGO_PIXELS // 5, LOGO_PIXELS // 2))
    assert alpha == 255
    assert (red, green, blue) == (0x23, 0x39, 0x5D)  # Harbor's navy, as drawn
    assert image.info.keys() <= {"dpi"}  # no date or software text: deterministic


def test_a_png_logo_is_used_as_it_is(tmp_path):
    buffer = io.BytesIO()
    Image.new("RGB", (10, 4), "#23395d").save(buffer, "PNG")
    path = tmp_path / "logo.png"
    path.write_bytes(buffer.getvalue())
    assert logo_png(path) == buffer.getvalue()
