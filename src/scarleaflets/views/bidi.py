"""Left-to-right islands in right-to-left text, and the links of a clinic's contact details.

In an Arabic sentence, "+44 20 7946 0958" is read by the Unicode bidirectional algorithm as four numbers in a
right-to-left line: it shows as ``0958 7946 20 44+``. An address line "14 Willow Lane" in a right-to-left block
shows as "Willow Lane 14", and a web address can come apart at its slashes. The cure is *isolation*: the phone
number, the web or email address, the Latin-script address line is set as one left-to-right unit, which the
surrounding right-to-left text places as a whole (HTML ``<bdi dir="ltr">``; in CSS ``unicode-bidi: isolate``).
The filters here produce that markup from plain view strings, escaping them first, so that no text can add
markup of its own; every template environment has them (:data:`FILTERS`), and each channel decides where to
use them.

- :func:`ltr` isolates a whole text (a phone number, a postal code, a Latin-script address line);
- :func:`address_line` isolates an address line unless it is itself written in a right-to-left script;
- :func:`ltr_runs` isolates, in right-to-left text only, the phone numbers, web and email addresses inside
  prose (translated text, and the clinic details substituted into it, such as "Samaritans (116 123, …)");
- :func:`url_text` lets a long web address wrap only after a ``/`` (a ``<wbr>`` after each, none inside
  ``//``, and a word joiner after each hyphen), never inside its scheme or a word;

WeasyPrint has no ``unicode-bidi`` (it parses the property and ignores it) and no bidi algorithm across inline
elements: it lays out each inline box's text with Pango in the box's own ``direction`` and, in a right-to-left
line, places the inline boxes as whole units from right to left. So an inline element with ``dir="ltr"`` is an
isolate there too, and the print stylesheet sets no ``unicode-bidi`` (WeasyPrint would warn). In a browser,
``<bdi>`` isolates by default; a stylesheet for browsers may add ``unicode-bidi: isolate`` to other elements.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import Any

from markupsafe import Markup, escape

# A phone number in running text: two or more groups of digits separated by single spaces (116 123,
# 020 7946 0958), or an international number (+44 20 7946 0958). One number alone ("12 months", "SPF 30") is
# left as it is: the bidi algorithm already shows a single number left to right.
_GROUP = r"(?:\(\d+\))?\d[\d.\-]*|\(\d+\)"  # 020, 7946-0958, (0)20, (555)
_PHONE = rf"(?:\+(?:{_GROUP})(?:[ \u00a0](?:{_GROUP}))*|(?:{_GROUP})(?:[ \u00a0](?:{_GROUP}))+)(?<![.\-])"
_URL = r"(?:https?://|www\.)[^\s<>\"]*[^\s<>\".,;:!?)\]'’،؛]"
_EMAIL = r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
# Scanned in escaped HTML: nothing may start inside an entity (&#39;) or in the middle of a word.
LTR_RUN = re.compile(rf"(?<![\w&#+/@.])(?:(?P<url>{_URL})|(?P<email>{_EMAIL})|(?P<phone>{_PHONE}))")


def is_rtl_text(text: str) -> bool:
    """Whether ``text`` holds a letter of a right-to-left script (Arabic, Hebrew, …)."""
    return any(unicodedata.bidirectional(char) in ("R", "AL") for char in text)


def ltr(text: str) -> Markup:
    """``text`` isolated as one left-to-right unit."""
    return Markup('<bdi dir="ltr">%s</bdi>') % text


def address_line(line: str) -> Markup:
    """An address line as written: isolated left to right, unless it is in a right-to-left script."""
    return escape(line) if is_rtl_text(line) else ltr(line)


# Joins a hyphen to what follows it: a line may not break after the hyphen of "derm-treat" (which would read as
# a hyphenated word). Invisible, and not part of the text a reader copies from the PDF.
WORD_JOINER = "\u2060"


def url_text(url: str) -> Markup:
    """A web address as link text that may wrap only after a ``/``: a ``<wbr>`` after each slash, or after
    the pair of a scheme's ``//``, and a word joiner after each hyphen."""
    pieces = re.split(r"(/+)", str(url))
    out = Markup()
    for piece in pieces:
        out += escape(piece).replace("-", "-" + WORD_JOINER)
        if piece.startswith("/"):
            out += Markup("<wbr>")
    return out


def ltr_runs(text: str, direction: str = "rtl") -> Markup:
    """``text`` escaped, with each phone number, web and email address in it isolated left to right when the
    text's ``direction`` is right to left (unchanged otherwise). Web addresses also get :func:`url_text`."""
    escaped = escape(text)
    if direction != "rtl":
        return escaped
    out, end = Markup(), 0
    for match in LTR_RUN.finditer(
        escaped
    ):  # a slice of escaped text is escaped text (markupsafe keeps it Markup)
        found = escaped[match.start() : match.end()]
        inner = url_text(found.unescape()) if match.group("url") else found
        out += escaped[end : match.start()] + Markup('<bdi dir="ltr">') + inner + Markup("</bdi>")
        end = match.end()
    return out + escaped[end:]


# Every environment's bidi filters (see scarleaflets.views.templating.make_environment).
FILTERS: dict[str, Callable[..., Any]] = {
    "ltr": ltr,
    "address_line": address_line,
    "url_text": url_text,
    "ltr_runs": ltr_runs,
}
