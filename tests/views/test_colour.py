"""views/colour.py: WCAG contrast, and a brand colour lightened just enough to read on a dark background."""

from __future__ import annotations

import pytest

from scarleaflets.views.colour import AA_TEXT, contrast, readable_on

DARK = "#1c2126"  # the email's dark-mode background


def test_contrast_follows_wcag():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#ffffff", "#000000") == pytest.approx(21.0)
    assert contrast("#23395d", "#23395d") == pytest.approx(1.0)
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)  # the known AA grey on white


@pytest.mark.parametrize("brand", ["#23395d", "#1f5f5b", "#8c1d18", "#000000"])
def test_a_dark_brand_colour_is_lightened_to_aa_and_no_further_than_needed(brand):
    lighter = readable_on(brand, DARK)
    assert contrast(brand, DARK) < AA_TEXT
    assert contrast(lighter, DARK) >= AA_TEXT
    assert contrast(lighter, DARK) < AA_TEXT + 0.6  # the first step that reaches it, not white
    assert lighter != "#ffffff"


def test_a_colour_that_already_reads_is_kept_and_the_hue_stays_the_brand_s():
    assert readable_on("#f3e9a0", DARK) == "#f3e9a0"
    red, green, blue = (int(readable_on("#23395d", DARK)[i : i + 2], 16) for i in (1, 3, 5))
    assert blue > green > red  # Harbor's navy stays blue, not a fixed teal
