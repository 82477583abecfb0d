"""The clinic details that shared content may name: routes to urgent help, which depend on the clinic's country.

A topic's text names one as ``{emergency_number}``; every clinic's brand file gives its own wording under
``urgent_help`` (for a UK clinic "999", "NHS 111", "Samaritans on 116 123"; for a US clinic "911", "988").
The names are fixed here, so a misspelt name in a topic is an error at its file and line, and ``check`` fails
a brand that lacks a detail the content uses. The views put the clinic's wording in when they translate.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

# name -> what the clinic writes there (shown in `check`'s messages and the clinic guide)
CLINIC_DETAILS: Mapping[str, str] = {
    "emergency_number": "the number to call in an emergency, e.g. 999 or 911",
    "urgent_advice": "where to get urgent medical advice that is not an emergency, e.g. NHS 111",
    "crisis_line": "a crisis line open day and night, e.g. Samaritans on 116 123, or the 988 Lifeline",
}

DETAIL = re.compile(r"\{([A-Za-z_]\w*)\}")


def details_in(text: str) -> list[str]:
    """The clinic details a text names, in order."""
    return DETAIL.findall(text)


def unknown_detail_problem(text: str) -> str | None:
    """Why a text's placeholders cannot be filled, or None when each names a clinic detail."""
    unknown = [name for name in details_in(text) if name not in CLINIC_DETAILS]
    if not unknown:
        return None
    known = ", ".join(f"{{{name}}}" for name in CLINIC_DETAILS)
    return f"{{{unknown[0]}}} is not a clinic detail; use one of {known}"


def fill_details(text: str, details: Mapping[str, str]) -> str:
    """``text`` with each named clinic detail replaced by the clinic's wording (a missing one stays named,
    which ``check`` reports before anything is built)."""
    return DETAIL.sub(lambda m: details.get(m.group(1), m.group(0)), text)


def first_uses(texts: Iterable[tuple[str, int, str]]) -> dict[str, tuple[str, int]]:
    """For (file, line, text) triples: each clinic detail named, with the file and line that first names it."""
    uses: dict[str, tuple[str, int]] = {}
    for file, line, text in texts:
        for name in details_in(text):
            uses.setdefault(name, (file, line))
    return uses
