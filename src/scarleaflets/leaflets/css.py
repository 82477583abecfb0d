"""Writing values into CSS safely: every text that reaches a stylesheet goes through :func:`css_string`."""

from __future__ import annotations


def css_string(value: str) -> str:
    """A double-quoted CSS string for any text: quotes, backslashes, line breaks and the characters that
    could close a surrounding <style> element are written as CSS escapes, so no text can break out."""
    out = []
    for char in value:
        if char in '"\\<>&' or ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\{ord(char):x} ")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'
