"""audit/margins.py: body text outside the text box, and running headers or footers outside the text box's width
or the paper, are findings; text inside them is not."""

from __future__ import annotations

import dataclasses

from scarleaflets.leaflets.audit import MM, AuditedLeaflet, Box, Margins, Page, audit, margins
from scarleaflets.leaflets.audit.margins import check_margins
from scarleaflets.leaflets.audit.pages import Glyph

from .test_audit import rendered

HEADER = "@page { @top-left { content: 'Clinic name' } @bottom-center { content: 'Page ' counter(page) } }"


def test_text_inside_the_text_box_and_running_texts_in_the_margins_pass():
    leaflet = rendered("<p>Text that stays inside.</p><p dir='rtl' lang='ar'>نص داخل الصفحة</p>", HEADER)
    assert check_margins(leaflet) == []


def test_body_text_past_the_right_margin_is_found():
    body = "<p style='white-space: nowrap'>" + "unbreakable " * 20 + "</p>"
    (finding,) = check_margins(rendered(body))
    assert finding.page == 1
    assert finding.check == "margins"
    assert "body text runs" in finding.message
    assert "past the right of the text box" in finding.message


def test_body_text_pulled_into_the_left_margin_is_found():
    (finding,) = check_margins(rendered("<p style='margin-left: -10mm'>Too far left</p>"))
    assert "past the left of the text box" in finding.message
    excess = float(finding.message.split(" runs ")[1].split(" pt")[0])
    assert abs(excess - (10 * MM - 6)) < 1  # 10 mm less the body's default 8 px (6 pt) margin
    assert "'Toofarleft'" in finding.message  # the glyphs around the worst one say which text it is


def test_a_running_header_outside_the_text_box_width_is_found():
    leaflet = rendered("<p>Text</p>", "@page { @top-left-corner { content: 'Corner' } }")
    (finding,) = check_margins(leaflet)
    assert "running header or footer text runs" in finding.message
    assert "past the left of its band" in finding.message


def test_the_check_runs_with_every_audit():
    assert audit(rendered("<p style='margin-right: -15mm; text-align: right'>Right</p>")) != []


def test_a_stacked_mark_may_rise_into_the_top_margin_but_a_letter_may_not():
    """An Arabic shadda over the first line of a page reached 1.1 pt into the top margin: allowed for a
    combining mark (up to 3 pt) or a letter written with one, never for a plain letter."""
    leaflet = AuditedLeaflet("t.pdf", b"", "", "ar", "rtl", "topic", Margins(20, 17, 20, 17))
    page = Page(1, 595.3, 841.9, (), (), (), "")
    top = leaflet.page_area(page).top

    def found(char: str, rise: float) -> list[str]:
        glyph = Glyph(char, Box(300, top - 5, 303, top + rise), 12.0)
        leaflet.__dict__["pages"] = [dataclasses.replace(page, glyphs=(glyph,))]  # the cached page geometry
        return [finding.message for finding in check_margins(leaflet)]

    assert found("\u0651", 2.0) == []  # shadda
    assert found("\u0651", 3.5)  # too far even for a mark
    assert found("ب", 2.0)  # a letter
    # A letter written with its mark: the hamza of an alef with hamza above, over a large-print heading.
    assert found("\u0623", 2.0) == []
    assert found("\u0623", 3.5)


def test_a_mark_may_overhang_the_side_of_a_running_title_but_a_letter_may_not():
    """A Devanagari candrabindu ending a right-aligned running title in large print overhung the text box's
    right edge by 1.1 pt (its ink, measured in a rendering): allowed for a mark (up to 3 pt), for a letter only
    up to a tenth of its size (1.2 pt at 12 pt)."""
    leaflet = AuditedLeaflet("t.pdf", b"", "", "hi", "ltr", "topic", Margins(20, 17, 20, 17))
    page = Page(1, 595.3, 841.9, (), (), (), "")
    area = leaflet.page_area(page)

    def found(char: str, past: float) -> list[str]:
        box = Box(area.right + past - 5, area.top + 10, area.right + past, area.top + 23)  # in the header
        leaflet.__dict__["pages"] = [dataclasses.replace(page, glyphs=(Glyph(char, box, 12.0),))]
        return [finding.message for finding in check_margins(leaflet)]

    assert found("\u0901", 1.1) == []  # candrabindu
    assert found("\u0901", 3.5)
    assert found("क", 1.3)
    assert found("\u0623", 1.3)  # a letter written with its mark: as strict as a letter at the sides


def test_a_large_letter_may_overhang_its_pen_position_by_its_design_but_layout_may_not_push_it_out():
    """Noto Sans's J hooks 0.078 em left of its pen position: 1.25 pt at large print's 16 pt, past the 1 pt
    tolerance. A letter gets a tenth of its size; a line pushed 3 pt out is still found."""
    leaflet = AuditedLeaflet("t.pdf", b"", "", "de", "ltr", "topic", Margins(20, 17, 20, 17))
    page = Page(1, 595.3, 841.9, (), (), (), "")
    area = leaflet.page_area(page)

    def found(size: float, past: float) -> list[str]:
        box = Box(area.left - past, area.top - 40, area.left - past + 4, area.top - 25)
        leaflet.__dict__["pages"] = [dataclasses.replace(page, glyphs=(Glyph("J", box, size),))]
        return [finding.message for finding in check_margins(leaflet)]

    assert found(16.0, 1.25) == []
    assert found(16.0, 1.7)  # more than a tenth of its size
    assert found(12.0, 1.25)  # at 12 pt a tenth is 1.2 pt
    assert found(16.0, 3.0)


def test_a_real_large_print_line_starting_with_j_stays_in_the_text_box(monkeypatch):
    """The German large-print leaflets: a line starting "Jede" at 16 pt, flush with the text box's left edge."""
    css = (
        "@font-face { font-family: T; src: url(fonts/NotoSans-Regular.ttf) } body { margin: 0; font: 16pt T }"
    )
    leaflet = rendered("<p>Jede Behandlung hat Risiken.</p>", css)
    assert check_margins(leaflet) == []
    monkeypatch.setattr(margins, "OVERHANG_EM", 0.0)  # the fixed 1 pt alone: the J's hook is found
    (finding,) = check_margins(leaflet)
    assert "past the left of the text box" in finding.message
