"""Rebuild the bundled fonts in fonts/ from Debian's Noto packages (fonts-noto-core, fonts-noto-cjk).

The leaflets embed only fonts from fonts/, so every machine renders identical PDFs whatever it has installed.
This script documents where each file comes from; it is run by hand when the font set changes:

    apt-get install fonts-noto-core fonts-noto-cjk
    .venv/bin/python tools/make_fonts.py

Simplified Chinese comes from the Noto Sans CJK collection: the SC face is taken out of the collection and
subset to GB 2312 (6,763 hanzi), Latin-1, CJK punctuation and full-width forms, plus every character the
shipped content and catalogs use, which keeps the repository small. `scarleaflets check` reports any
character that a published text uses and no bundled font covers.
"""

from __future__ import annotations

import contextlib
import shutil
import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "fonts"
NOTO = Path("/usr/share/fonts/truetype/noto")
CJK = Path("/usr/share/fonts/opentype/noto")
COPY = [
    "NotoSans-Regular.ttf",
    "NotoSans-Bold.ttf",
    "NotoNaskhArabic-Regular.ttf",
    "NotoNaskhArabic-Bold.ttf",
    "NotoSansDevanagari-Regular.ttf",
    "NotoSansDevanagari-Bold.ttf",
]


def gb2312() -> set[str]:
    chars = set()
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            with contextlib.suppress(UnicodeDecodeError):  # a few positions are unassigned
                chars.add(bytes([high, low]).decode("gb2312"))
    return chars


def used_characters() -> set[str]:
    chars: set[str] = set()
    for path in [*ROOT.glob("locales/*/LC_MESSAGES/messages.po"), *ROOT.glob("content/**/*.yaml")]:
        chars.update(path.read_text(encoding="utf-8"))
    return chars


def main() -> int:
    OUT.mkdir(exist_ok=True)
    for name in COPY:
        shutil.copyfile(NOTO / name, OUT / name)
    wanted = gb2312() | used_characters() | {chr(c) for c in range(0x20, 0x100)}
    wanted |= {chr(c) for c in range(0x3000, 0x3040)} | {chr(c) for c in range(0xFF00, 0xFFF0)}
    for weight in ("Regular", "Bold"):
        collection = TTCollection(str(CJK / f"NotoSansCJK-{weight}.ttc"))
        face = next(f for f in collection.fonts if f["name"].getDebugName(1) == "Noto Sans CJK SC")
        options = subset.Options()
        options.layout_features = ["*"]
        options.name_IDs = ["*"]
        options.name_languages = ["*"]
        options.notdef_outline = True
        options.glyph_names = False
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=[ord(c) for c in wanted])
        subsetter.subset(face)
        face.save(str(OUT / f"NotoSansSC-{weight}.otf"))
    for path in sorted(OUT.glob("*.*tf")):
        print(f"{path.name:36} {path.stat().st_size / 1e6:6.2f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
