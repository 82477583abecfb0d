"""views/context.py: what frames every output (here: the clinic's phone as a link)."""

from __future__ import annotations

import dataclasses

import pytest

from scarleaflets.views import BrandView

BRAND = BrandView("c", "Clinic", "", (), (), "", "", "", "", "", "#000000", "#000000", "A4")


@pytest.mark.parametrize(
    ("phone", "uri"),
    [
        ("+44 20 7946 0958", "tel:+442079460958"),
        ("+1 555 0142", "tel:+15550142"),
        ("(020) 7946-0958", "tel:02079460958"),  # a national number keeps no plus it never had
        (" +33 1.23.45.67.89 ", "tel:+33123456789"),
        ("+٤٤ 20", "tel:+20"),  # only ASCII digits: a tel: URI has no other
    ],
)
def test_the_phone_becomes_a_tel_uri_of_its_digits(phone, uri):
    assert dataclasses.replace(BRAND, phone=phone).phone_uri == uri
