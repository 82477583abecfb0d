"""The bundled fonts: which family each locale uses, the @font-face rules, and glyph coverage.

``fonts/fonts.toml`` lists the font families in fallback order and the scripts each covers; a locale's script
comes from CLDR (Babel's likely subtags), so a new language needs a catalog and, for a new script, a font
entry, never code. :func:`missing_characters` is how ``scarleaflets check`` proves that every character of
every published text has a glyph in the fonts its leaflet uses (no "tofu" boxes).
"""

from __future__ import annotations

import tomllib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from babel.core import get_global
from fontTools.ttLib import TTFont

from ..config import Project
from ..errors import ConfigError
from ..i18n.locales import parse_locale
from .css import css_string

FONTS_FOLDER = "fonts"
FONTS_FILE = "fonts.toml"


@dataclass(frozen=True)
class FontFamily:
    name: str
    regular: Path
    bold: Path
    scripts: tuple[str, ...]


@dataclass(frozen=True)
class FontSet:
    families: tuple[FontFamily, ...]
    files: tuple[Path, ...] = field(default=())

    def stack(self, locale: str) -> tuple[FontFamily, ...]:
        """The families a locale's leaflets use, first those made for its script, then all the others."""
        script = locale_script(locale)
        first = [f for f in self.families if script in f.scripts]
        return tuple(first + [f for f in self.families if f not in first])

    def css_stack(self, locale: str) -> str:
        return ", ".join(css_string(family.name) for family in self.stack(locale))

    def font_faces(self, root: Path) -> str:
        """@font-face rules with URLs relative to the project folder (the documents' base URL)."""
        rules = []
        for family in self.families:
            for weight, path in (("normal", family.regular), ("bold", family.bold)):
                url = path.relative_to(root).as_posix()
                rules.append(
                    f"@font-face {{ font-family: {css_string(family.name)}; font-weight: {weight}; "
                    f"src: url({css_string(url)}); }}"
                )
        return "\n".join(rules)


def load_fonts(project: Project) -> FontSet:
    """Read fonts/fonts.toml; raise ConfigError naming the file when it or a font file is missing or wrong."""
    folder = project.root / FONTS_FOLDER
    path = folder / FONTS_FILE
    shown = f"{FONTS_FOLDER}/{FONTS_FILE}"
    if not path.is_file():
        raise ConfigError(f"{shown}: missing; it lists the fonts leaflets embed (see fonts/README.md)")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{shown}: not valid TOML: {exc}") from None
    families = []
    for index, entry in enumerate(data.get("family", [])):
        where = f"{shown}: family[{index}]"
        try:
            name, regular, bold, scripts = entry["name"], entry["regular"], entry["bold"], entry["scripts"]
        except (KeyError, TypeError):
            raise ConfigError(f"{where}: needs name, regular, bold and scripts") from None
        files = []
        for file in (regular, bold):
            target = folder / str(file)
            if not target.resolve().is_relative_to(folder.resolve()) or not target.is_file():
                raise ConfigError(f"{where}: font file fonts/{file} does not exist")
            files.append(target)
        families.append(FontFamily(str(name), files[0], files[1], tuple(str(s) for s in scripts)))
    if not families:
        raise ConfigError(f"{shown}: lists no [[family]]")
    return FontSet(tuple(families), tuple(f for fam in families for f in (fam.regular, fam.bold)))


def locale_script(locale: str) -> str:
    """The ISO 15924 script of a locale, from the locale itself or CLDR's likely subtags."""
    parsed = parse_locale(locale)
    if parsed.script:
        return str(parsed.script)
    likely = get_global("likely_subtags")
    for key in (str(parsed), parsed.language):
        full = str(likely.get(key) or "")
        if full:
            parts = full.split("_")
            if len(parts) >= 2 and len(parts[1]) == 4:
                return parts[1]
    return "Latn"


@cache
def _cmap(path: Path) -> frozenset[int]:
    with TTFont(str(path), lazy=True, fontNumber=0) as font:
        return frozenset(font.getBestCmap() or {})


def ignorable(char: str) -> bool:
    """Characters that need no glyph: spaces, line breaks, controls and invisible formatting marks."""
    return char.isspace() or unicodedata.category(char) in ("Cc", "Cf", "Zs", "Zl", "Zp")


def missing_characters(texts: Iterable[str], families: Iterable[FontFamily]) -> list[str]:
    """Characters of ``texts`` that none of ``families`` (regular and bold) has a glyph for, sorted."""
    covered: set[int] = set()
    for family in families:
        covered |= _cmap(family.regular) & _cmap(family.bold)
    wanted = {char for text in texts for char in text}
    return sorted(c for c in wanted if ord(c) not in covered and not ignorable(c))
