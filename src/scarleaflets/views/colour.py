"""Colours a clinic's brand gives on another background: WCAG contrast, and a brand colour made readable.

An email in dark mode sets its headings and links on a dark background; a brand's primary colour (Harbor's
navy, Riverside's teal) is chosen for white paper and is often unreadable there. :func:`readable_on` keeps
the brand's hue and lightens it (mixing in white) just enough to reach the contrast asked for, computed with
the WCAG 2 formula, so every brand gets its own dark-mode colour and none is hard-coded.
"""

from __future__ import annotations

AA_TEXT = 4.5  # WCAG 2 level AA for body-size text


def _channels(colour: str) -> tuple[int, int, int]:
    """``#rrggbb`` as three 0–255 channels (brand colours are validated ``#rrggbb`` values)."""
    value = colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def luminance(colour: str) -> float:
    """The WCAG relative luminance of a ``#rrggbb`` colour, from 0 (black) to 1 (white)."""

    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    red, green, blue = _channels(colour)
    return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)


def contrast(foreground: str, background: str) -> float:
    """The WCAG contrast ratio of two ``#rrggbb`` colours, from 1 to 21."""
    lighter, darker = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _mix(colour: str, white: float) -> str:
    """``colour`` with a share ``white`` (0 to 1) of white mixed in."""
    return "#" + "".join(f"{round(c + (255 - c) * white):02x}" for c in _channels(colour))


def readable_on(colour: str, background: str, minimum: float = AA_TEXT) -> str:
    """``colour`` as it is when it already reaches ``minimum`` on ``background``, else lightened in steps of
    2% white until it does (white itself at the end: on a dark background white always reaches AA)."""
    for step in range(51):
        mixed = _mix(colour, step / 50)
        if contrast(mixed, background) >= minimum:
            return mixed
    return "#ffffff"
