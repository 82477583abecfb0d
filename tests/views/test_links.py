"""views/links.py: the one spelling of a leaflet page's address, and phone numbers as tel: links."""

from __future__ import annotations

import pytest

from scarleaflets.views.links import leaflet_page_url, tel_uri


def test_a_leaflet_page_is_under_the_public_url_by_brand_locale_and_topic():
    assert (
        leaflet_page_url("https://leaflets.example.org/", "harbor", "zh_Hans", "lasers")
        == "https://leaflets.example.org/leaflets/harbor/zh_Hans/lasers"
    )
    assert (
        leaflet_page_url("https://clinic.example/patients/", "riverside", "en_GB", "scar-types") + ".pdf"
        == "https://clinic.example/patients/leaflets/riverside/en_GB/scar-types.pdf"
    )


@pytest.mark.parametrize(
    ("printed", "uri"),
    [
        ("+44 20 7946 0958", "tel:+442079460958"),
        ("+1 555 0142", "tel:+15550142"),
        ("+1 (555) 010-0142", "tel:+15550100142"),
        ("+33 1.23.45.67.89", "tel:+33123456789"),
        ("020 7946 0958", "tel:02079460958"),  # no country code: dialled as written
        ("+44 (0)20 7946 0958", "tel:+442079460958"),  # the national trunk (0) is not dialled from abroad
        ("(020) 7946-0958", "tel:02079460958"),  # a national number keeps no plus it never had
        (" +33 1.23.45.67.89 ", "tel:+33123456789"),
        ("+٤٤ 20", "tel:+20"),  # only ASCII digits: a tel: URI has no other
    ],
)
def test_a_phone_number_is_dialled_with_digits_and_a_leading_plus_only(printed, uri):
    assert tel_uri(printed) == uri
