"""Regenerate src/scarleaflets/i18n/_linebreak_tables.py from the GNU libunistring that GNU gettext uses.

`scarleaflets.i18n.pofile` wraps strings exactly as GNU gettext 0.21 does, and gettext finds line break
opportunities with libunistring (Unicode UAX #14 line breaking classes, plus a few rules of its own) and
measures columns with libunistring's ``uc_width``. Python's ``unicodedata`` knows neither the line breaking
class of a character nor libunistring's idea of its width, so this script reads both from the shared library
itself, on a Debian 12 machine (libunistring 1.0, Unicode 14.0, the one that ``/usr/bin/msgcat`` links to):

    .venv/bin/python tools/make_linebreak_tables.py

It reads the library's internal property table ``libunistring_unilbrkprop`` (its layout is the one in
gnulib's ``lib/unilbrk/lbrkprop1.h`` for libunistring 1.0) and the pair table ``libunistring_unilbrk_table``,
and calls ``uc_width`` for every code point.
"""

from __future__ import annotations

import ctypes
import sys
from pathlib import Path

LIBRARY = "libunistring.so.2"
OUTPUT = Path(__file__).resolve().parent.parent / "src" / "scarleaflets" / "i18n" / "_linebreak_tables.py"

# libunistring 1.0's numbering of the line breaking classes (gnulib lib/unilbrk/lbrktables.h, January 2022).
CLASS_NAMES = {
    0: "WJ", 1: "GL", 2: "B2", 3: "BA", 4: "BB", 5: "HY", 6: "CL", 7: "CP1", 8: "CP2", 9: "EX", 10: "IN",
    11: "NS", 12: "OP1", 13: "OP2", 14: "QU", 15: "IS", 16: "NU", 17: "PO", 18: "PR", 19: "SY", 20: "AL",
    21: "H2", 22: "H3", 23: "ID1", 24: "ID2", 25: "JL", 26: "JV", 27: "JT", 28: "HL", 29: "RI", 30: "ZWJ",
    31: "EB", 32: "EM", 33: "BK", 34: "CR", 35: "LF", 36: "CM", 37: "ZW", 38: "SP", 39: "CB", 40: "AI",
    41: "SA", 42: "XX",
}  # fmt: skip
TABLE_SIZE = 33
PAIR_LETTERS = {1: "D", 2: "I", 3: "P"}


class LbrkProp(ctypes.Structure):
    _fields_ = [
        ("level1", ctypes.c_int * 15),
        ("level2", ctypes.c_int * (4 << 9)),
        ("level3", ctypes.c_ubyte * (246 << 7)),
    ]


def line_break_class(table: LbrkProp, code_point: int) -> int:
    index1 = code_point >> 16
    if index1 < 15:
        lookup1 = table.level1[index1]
        if lookup1 >= 0:
            lookup2 = table.level2[lookup1 + ((code_point >> 7) & 511)]
            if lookup2 >= 0:
                return int(table.level3[lookup2 + (code_point & 127)])
    return 42  # XX


def ranges(values: list[int]) -> list[tuple[int, int]]:
    result: list[tuple[int, int]] = []
    for code_point, value in enumerate(values):
        if not result or result[-1][1] != value:
            result.append((code_point, value))
    return result


def string_lines(tokens: list[str], indent: str = "    ", width: int = 104) -> list[str]:
    lines: list[str] = []
    current = ""
    for token in tokens:
        if current and len(indent) + len(current) + len(token) + 4 > width:
            lines.append(f'{indent}"{current}"')
            current = ""
        current += token + " "
    if current:
        lines.append(f'{indent}"{current}"')
    return lines


def main() -> int:
    library = ctypes.CDLL(LIBRARY)
    table = LbrkProp.in_dll(library, "libunistring_unilbrkprop")
    pairs = (ctypes.c_ubyte * (TABLE_SIZE * TABLE_SIZE)).in_dll(library, "libunistring_unilbrk_table")
    uc_width = library.uc_width
    uc_width.argtypes = [ctypes.c_uint32, ctypes.c_char_p]
    uc_width.restype = ctypes.c_int

    classes = [line_break_class(table, cp) for cp in range(0x110000)]
    widths = [uc_width(cp, b"UTF-8") for cp in range(0x110000)]
    class_tokens = [f"{start:X}:{CLASS_NAMES[value]}" for start, value in ranges(classes)]
    width_tokens = [f"{start:X}:{value}" for start, value in ranges(widths)]
    pair_rows = [
        "".join(PAIR_LETTERS[pairs[before * TABLE_SIZE + after]] for after in range(TABLE_SIZE))
        for before in range(TABLE_SIZE)
    ]

    out = [
        '"""Unicode tables for line breaking PO strings as GNU gettext does; generated, do not edit.',
        "",
        "Made by tools/make_linebreak_tables.py from GNU libunistring 1.0 (Unicode 14.0), the library GNU gettext",
        "0.21 uses: the line breaking class of each code point (UAX #14, as libunistring resolves it), the column",
        "width libunistring's ``uc_width`` gives it (-1 for control characters), and libunistring's pair table.",
        "Each range string lists ``first_code_point:value`` in hexadecimal, in order; a value holds until the next.",
        '"""',
        "",
        "from __future__ import annotations",
        "",
        "# The classes that index PAIR_TABLE, in libunistring's order.",
        "PAIR_CLASSES = (",
        *(f'    "{CLASS_NAMES[i]}",' for i in range(TABLE_SIZE)),
        ")",
        "",
        "# PAIR_TABLE[before][after]: D a direct break, I a break only after spaces, P no break.",
        "PAIR_TABLE = (",
        *(f'    "{row}",' for row in pair_rows),
        ")",
        "",
        "LINE_BREAK_CLASSES = (",
        *string_lines(class_tokens),
        ")",
        "",
        "WIDTHS = (",
        *string_lines(width_tokens),
        ")",
        "",
    ]
    OUTPUT.write_text("\n".join(out), encoding="utf-8")
    print(f"{OUTPUT}: {len(class_tokens)} class ranges, {len(width_tokens)} width ranges")
    return 0


if __name__ == "__main__":
    sys.exit(main())
