"""audit/links.py: every outside link of the HTML and each of the clinic's contact links must be a URI link
annotation of the PDF; a missing one is a finding."""

from __future__ import annotations

import dataclasses

from scarleaflets.leaflets.audit.links import check_links, html_hrefs, pdf_uris

from .test_audit import rendered

CONTACT = ("tel:+442079460958", "https://clinic.example.org", "https://clinic.example.org/book")
LINKED = (
    '<p>Call <a href="tel:+442079460958">+44 20 7946 0958</a>, see <a href="https://clinic.example.org">our '
    'site</a> or <a href="https://clinic.example.org/book">book online</a>.</p>'
    '<ol><li>A source. <a href="https://www.aad.org/public/x">https://www.aad.org/public/x</a></li></ol>'
    '<p><a href="#top">Back to the top</a></p>'
)


def test_html_hrefs_are_the_outside_links_once_each():
    html = LINKED + '<a href="https://clinic.example.org">again</a>'
    assert html_hrefs(html) == [*CONTACT, "https://www.aad.org/public/x"]


def test_a_leaflet_with_every_link_passes():
    leaflet = dataclasses.replace(rendered(LINKED), contact_links=CONTACT)
    assert pdf_uris(leaflet.pdf) == {*CONTACT, "https://www.aad.org/public/x"}
    assert check_links(leaflet) == []


def test_a_missing_contact_link_is_found():
    without_phone = LINKED.replace('<a href="tel:+442079460958">+44 20 7946 0958</a>', "+44 20 7946 0958")
    leaflet = dataclasses.replace(rendered(without_phone), contact_links=CONTACT)
    assert [str(f) for f in check_links(leaflet)] == [
        "no link to the clinic's phone tel:+442079460958 in the PDF (links)"
    ]


def test_a_link_of_the_html_that_the_pdf_lacks_is_found():
    hidden = LINKED + '<p style="display: none"><a href="https://example.org/hidden">hidden</a></p>'
    leaflet = dataclasses.replace(rendered(hidden), contact_links=CONTACT)
    assert [f.message for f in check_links(leaflet)] == [
        "the HTML links to https://example.org/hidden, the PDF does not"
    ]
