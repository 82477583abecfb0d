"""bidi.py: left-to-right islands in right-to-left text (escaped, isolated), web addresses that wrap only after
a slash, and tel: links in E.164."""

from __future__ import annotations

import pytest
from markupsafe import Markup

from scarleaflets.views.bidi import address_line, is_rtl_text, ltr, ltr_runs, url_text


def test_ltr_isolates_and_escapes():
    assert ltr("+44 20 7946 0958") == '<bdi dir="ltr">+44 20 7946 0958</bdi>'
    assert ltr("<b>1</b>") == '<bdi dir="ltr">&lt;b&gt;1&lt;/b&gt;</bdi>'


def test_an_address_line_is_isolated_unless_it_is_written_right_to_left():
    assert address_line("14 Willow Lane") == '<bdi dir="ltr">14 Willow Lane</bdi>'
    assert address_line("Riverside RS1 4AB") == '<bdi dir="ltr">Riverside RS1 4AB</bdi>'
    assert address_line("١٤ شارع الصفصاف") == "١٤ شارع الصفصاف"
    assert is_rtl_text("שלום")
    assert not is_rtl_text("14 Willow Lane")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://riverside.example.org", "https://<wbr>riverside.example.org"),
        (
            "https://example.org/book?source=leaflet&x=1",
            "https://<wbr>example.org/<wbr>book?source=leaflet&amp;x=1",
        ),
        ("https://example.org/a/", "https://<wbr>example.org/<wbr>a/<wbr>"),
        ("https://x.org/derm-treat", "https://<wbr>x.org/<wbr>derm-\u2060treat"),  # no break after the hyphen
    ],
)
def test_a_web_address_may_wrap_only_after_a_slash(url, expected):
    text = url_text(url)
    assert text == expected
    assert isinstance(text, Markup)
    assert text.replace("<wbr>", "").replace("\u2060", "") == Markup.escape(url)  # nothing else, nothing lost


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # clinic details substituted into Arabic prose
        (
            "اتصل بـ Samaritans (116 123، مكالمة مجانية).",
            'اتصل بـ Samaritans (<bdi dir="ltr">116 123</bdi>، مكالمة مجانية).',
        ),
        ("اتصل بالرقم +44 20 7946 0958.", 'اتصل بالرقم <bdi dir="ltr">+44 20 7946 0958</bdi>.'),
        (
            "زر https://riverside.example.org/book، أو اكتب إلى a.b@example.org.",
            'زر <bdi dir="ltr">https://<wbr>riverside.example.org/<wbr>book</bdi>، أو اكتب إلى '
            '<bdi dir="ltr">a.b@example.org</bdi>.',
        ),
        # single numbers, ranges and names: the bidi algorithm already shows them left to right
        ("من 6 إلى 12 شهرًا، SPF 30، اتصل بالرقم 999", "من 6 إلى 12 شهرًا، SPF 30، اتصل بالرقم 999"),
        # escaped first: no markup from the text, and no match inside an entity
        ("<b>'116 123'</b>", '&lt;b&gt;&#39;<bdi dir="ltr">116 123</bdi>&#39;&lt;/b&gt;'),
    ],
)
def test_ltr_runs_isolates_phone_numbers_and_addresses_in_right_to_left_text(text, expected):
    assert ltr_runs(text, "rtl") == expected


def test_ltr_runs_leaves_left_to_right_text_as_it_is():
    assert ltr_runs("Call Samaritans on 116 123 <free>", "ltr") == "Call Samaritans on 116 123 &lt;free&gt;"


def test_every_environment_has_the_filters(shipped_project):
    from scarleaflets.views import make_environment

    env = make_environment(shipped_project)
    template = env.from_string("{{ a|ltr }} {{ b|url_text }} {{ c|address_line }} {{ d|ltr_runs('rtl') }}")
    assert template.render(a="1 2", b="https://x.org/y", c="<14 Lane>", d="رقم 116 123") == (
        '<bdi dir="ltr">1 2</bdi> https://<wbr>x.org/<wbr>y <bdi dir="ltr">&lt;14 Lane&gt;</bdi> '
        'رقم <bdi dir="ltr">116 123</bdi>'
    )


@pytest.mark.parametrize("phone", ["+44 (0)20 7946 0958", "(555) 010-0142", "020 7946 0958", "+442079460958"])
def test_ltr_runs_takes_a_phone_number_whole(phone):
    assert ltr_runs(f"اتصل بالرقم {phone}.", "rtl") == f'اتصل بالرقم <bdi dir="ltr">{phone}</bdi>.'
