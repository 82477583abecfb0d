"""Colour contrast of a brand's colours where the leaflets, emails and web pages use them (WCAG 2.x).

The primary colour is a background behind white text (the header band, table headings, email and web
headers) and the colour of headings on white and on light boxes; the accent colour tints the key-points box
behind primary headings (and draws borders and bullets, which carry no meaning). Every text must reach
:data:`MINIMUM` (4.5:1, WCAG AA for normal text). A brand whose colours cannot is refused with the place that
fails, rather than printed with a darker shade derived in its stead: a clinic should see and choose the colour
its leaflets print. The stylesheet's own fixed colours are listed in :data:`FIXED_TEXT` and held to the same
minimum by the tests.
"""

from __future__ import annotations

WHITE = "#ffffff"
MINIMUM = 4.5
KEY_POINTS_TINT = 0.88  # how far towards white the accent is mixed for the key-points box

# The stylesheet's fixed light boxes that primary headings and labels sit on.
GREY_BOXES = {"#f3f5f6": "the questions box and table row headings", "#f5f3ef": "the callout box"}

# Every fixed text colour of the leaflet stylesheet, on the backgrounds it is printed on.
FIXED_TEXT: dict[str, tuple[str, tuple[str, ...]]] = {
    "#1d2327": ("body text", (WHITE, "#f3f5f6", "#f5f3ef", "#fbeceb")),
    "#47525a": ("sources, review lines, notes, captions", (WHITE,)),
    "#5b6770": ("running header and footer, document control", (WHITE,)),
    "#b00020": ("the preview mark", (WHITE,)),
    "#b3261e": ("the DRAFT mark and line", (WHITE,)),
    "#8c1d18": ("the warning label and the translation note", (WHITE, "#fbeceb")),
    WHITE: ("the header band and table headings", ()),  # on the brand's primary: see primary_problems
}


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(colour: str) -> float:
    """The relative luminance of a #rrggbb colour."""
    r, g, b = (_channel(int(colour[i : i + 2], 16)) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(first: str, second: str) -> float:
    """The contrast ratio of two #rrggbb colours, from 1 to 21."""
    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def tint(colour: str, amount: float = KEY_POINTS_TINT) -> str:
    """A pale version of a #rrggbb colour, for box backgrounds."""
    channels = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(c + (255 - c) * amount):02x}" for c in channels)


def _shown(ratio: float) -> str:
    # Rounded down, so that 4.46 never reads as a passing 4.5.
    return f"{int(ratio * 10) / 10:.1f}:1"


def _problem(colour: str, place: str, ratio: float) -> str | None:
    return None if ratio >= MINIMUM else f"{colour}: {place} has contrast {_shown(ratio)}, needs {MINIMUM}:1"


def primary_problems(primary: str) -> list[str]:
    """What cannot be read where the primary colour is used: white text on it, else it as text on the light
    boxes (the first that fails; white is lighter than either box, so headings on white pass when these do)."""
    checks = [("white text on it (header band, table headings)", contrast(WHITE, primary))]
    checks += [
        (f"headings in it on {what} ({box})", contrast(primary, box)) for box, what in GREY_BOXES.items()
    ]
    problems = [problem for place, ratio in checks if (problem := _problem(primary, place, ratio))]
    return problems[:1]


def accent_problems(primary: str, accent: str) -> list[str]:
    """What cannot be read on the key-points box tinted from the accent colour."""
    box = tint(accent)
    problem = _problem(
        accent,
        f"primary headings ({primary}) on the key-points box tinted from it ({box})",
        contrast(primary, box),
    )
    return [problem] if problem else []
