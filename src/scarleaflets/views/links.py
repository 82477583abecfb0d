"""Where an email (or a page) sends a patient: a leaflet's web page, and the clinic's phone as a ``tel:`` link.

:func:`leaflet_page_url` is the one place the address of a leaflet's web page is spelled: the emails link to
it and the web service serves it, ``{public_url}leaflets/{brand}/{locale}/{topic}`` (the PDF is the same
address with ``.pdf``), where ``public_url`` is ``[web] public_url`` of scarleaflets.toml and ``locale`` a
catalog id (``en_GB``, ``zh_Hans``). :func:`tel_uri` turns a printed phone number into the ``tel:`` form
phones dial. Plain functions of their arguments: no clock, no settings read here.
"""

from __future__ import annotations

import re

_NOT_DIALLED = re.compile(r"[^0-9+]")


def leaflet_page_url(public_url: str, brand_id: str, locale: str, topic_id: str) -> str:
    """The web page of one leaflet: ``public_url`` (an absolute URL ending with "/", checked when the
    settings are read) followed by ``leaflets/<brand>/<locale>/<topic>``; add ``.pdf`` for its PDF."""
    return f"{public_url}leaflets/{brand_id}/{locale}/{topic_id}"


def tel_uri(phone: str) -> str:
    """``tel:`` and the number as it is dialled, for every channel: "+44 (0)20 7946 0958" ->
    "tel:+442079460958". E.164 when the brand writes the number with its country code, as the brand files do
    (the national trunk "(0)" dropped); a number without "+" keeps its digits (dialled as written). Only ASCII
    digits and a leading "+": a tel: URI has nothing else."""
    number = phone.strip()
    international = number.startswith("+")
    if international:
        number = number.replace("(0)", "")
    return "tel:" + ("+" if international else "") + _NOT_DIALLED.sub("", number).replace("+", "")
