"""Characters no text from outside may carry: one definition for every stage that checks them.

The translation quality gate (:mod:`scarleaflets.i18n.qa`) refuses bidirectional controls in translations;
the email composer and the enrollment checks refuse ASCII control characters (line breaks among them: header
injection) in names, addresses and header values, and bidirectional controls in patients' names.
"""

from __future__ import annotations

import re

# ASCII control characters, line breaks included: never allowed in a header value or an enrollment field.
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# Bidirectional controls (embeddings, overrides, isolates, marks): invisible, they can reorder what a reader
# sees (a name, a dose, a link) without changing the text that was checked ("Trojan Source").
BIDI_CONTROL = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
BIDI_NAMES = "U+202A-U+202E, U+2066-U+2069, U+200E, U+200F, U+061C"
