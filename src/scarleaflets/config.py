"""The project folder and its settings (``scarleaflets.toml``), with defaults for everything.

A project folder holds ``content/``, ``locales/``, ``templates/`` and optionally ``scarleaflets.toml``. The
installed package is the engine; a clinic can keep a project folder of its own and point the command at it
with ``--project DIR`` (or ``SCARLEAFLETS_PROJECT``).

Every error about a setting names the file and the line of the setting (:func:`key_lines`). The readability
targets (``[readability]``, one table per language) are checked here for their shape; which formulas a
language has is known to the content stage, which checks the rest when ``check`` resolves the targets.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from .errors import ConfigError

SETTINGS_FILE = "scarleaflets.toml"
DEFAULT_MAX_GRADE = 8.0
DEFAULT_MIN_COMPLETENESS = 100.0
DEFAULT_LONG_SENTENCE_WORDS = 25
DEFAULT_HARDEST_SENTENCES = 3
ON_FAILURE = ("warn", "error")
OnFailure = Literal["warn", "error"]

# section -> key -> expected type
_SCHEMA: dict[str, dict[str, type]] = {
    "check": {"max_grade": float},
    "i18n": {"min_completeness": float},
    "email": {"unsubscribe_url": str, "transport": str, "retry_hours": float, "max_attempts": int},
    "web": {"api_token_sha256": dict, "max_body_bytes": int, "public_url": str},
    # and one table per language, [readability.LOCALE], with the keys of _LANGUAGE_TARGET
    "readability": {"long_sentence_words": int, "hardest_sentences": int, "on_failure": str},
    "release": {"dir": str},
}
# A setting whose key differs from its Settings field (the section names it already).
_FIELDS: dict[tuple[str, str], str] = {("release", "dir"): "release_dir", ("web", "public_url"): "public_url"}
# An absolute https:// address ending with "/", with a host and no query or fragment: the leaflet pages' base.
_PUBLIC_URL = re.compile(r"https://[A-Za-z0-9.-]+(:[0-9]+)?(/[A-Za-z0-9._~%!$&'()*+,;=:@-]*)*/")
_LANGUAGE_TARGET: dict[str, type] = {
    "formula": str,
    "min_score": float,
    "max_grade": float,
    "on_failure": str,
}
_LOCALE_CODE = re.compile(r"[a-z]{2,3}(_[A-Za-z0-9]+)*")


@dataclass(frozen=True)
class LanguageTarget:
    """One ``[readability.LOCALE]`` table as written: its formula and target, and where each key is."""

    locale: str
    formula: str | None = None
    min_score: float | None = None
    max_grade: float | None = None
    on_failure: OnFailure | None = None
    file: str = SETTINGS_FILE
    lines: Mapping[str, int] = field(default_factory=dict)  # key -> line; "" -> the table's own line

    def at(self, key: str = "") -> str:
        """``scarleaflets.toml:LINE`` of a key of this table (or of the table)."""
        line = self.lines.get(key) or self.lines.get("", 0)
        return f"{self.file}:{line}" if line else self.file


@dataclass(frozen=True)
class ReadabilitySettings:
    # A sentence longer than this many words is a warning, in every language that is measured.
    long_sentence_words: int = DEFAULT_LONG_SENTENCE_WORDS
    # How many of its hardest sentences a topic that misses its target names.
    hardest_sentences: int = DEFAULT_HARDEST_SENTENCES
    # What a translated language that misses its target is, unless its own table says: the English grade
    # ([check] max_grade) is always an error.
    on_failure: OnFailure = "warn"
    languages: tuple[LanguageTarget, ...] = ()


@dataclass(frozen=True)
class Settings:
    max_grade: float = DEFAULT_MAX_GRADE
    # Percentage of messages a locale must have translated (not fuzzy) to be published.
    min_completeness: float = DEFAULT_MIN_COMPLETENESS
    # The one-click unsubscribe endpoint (scarleaflets serve, behind HTTPS); the token is appended.
    unsubscribe_url: str = "https://unsubscribe.example.org/u/"
    # Where mail goes when --transport is not given: the demo's local Maildir.
    transport: str = "maildir://output/outbox"
    # Temporary failures are retried with exponential backoff for this long, at most max_attempts times.
    retry_hours: float = 48.0
    max_attempts: int = 8
    # Per brand, the SHA-256 (hex) of the bearer token its systems use for the enrollment API.
    api_token_sha256: dict[str, str] = field(default_factory=dict)
    max_body_bytes: int = 16384
    # Where the web service's leaflet pages are served, as patients reach it (absolute https URL ending with
    # "/"): every email links to {public_url}leaflets/<brand>/<locale>/<topic> (views.links).
    public_url: str = "https://leaflets.example.org/"
    readability: ReadabilitySettings = field(default_factory=ReadabilitySettings)
    # Where `scarleaflets release` writes the numbered releases the sender and the web service run from
    # (relative to the project folder; SCARLEAFLETS_RELEASES overrides it).
    release_dir: str = "releases"


@dataclass(frozen=True)
class Project:
    root: Path
    settings: Settings

    @property
    def content_dir(self) -> Path:
        return self.root / "content"

    @property
    def locales_dir(self) -> Path:
        return self.root / "locales"

    @property
    def templates_dir(self) -> Path:
        return self.root / "templates"

    @property
    def output_dir(self) -> Path:
        return self.root / "output"


def open_project(root: Path) -> Project:
    """Open the project at ``root``; raise ConfigError when it is not a project folder or its settings are bad."""
    root = root.resolve()
    if not root.is_dir():
        raise ConfigError(f"{root}: no such folder; pass --project with a scarleaflets project folder")
    if not (root / "content").is_dir():
        raise ConfigError(
            f"{root}: not a scarleaflets project (no content/ folder); run the command in a project folder "
            "or pass --project DIR"
        )
    return Project(root=root, settings=read_settings(root / SETTINGS_FILE))


def key_lines(text: str) -> dict[tuple[str, ...], int]:
    """The line of every table header and key of a TOML file, by its dotted path.

    ``tomllib`` gives values without positions; settings files use a small part of TOML (tables, dotted
    keys, one-line values and inline tables), which is enough to find where each setting is written."""
    found: dict[tuple[str, ...], int] = {}
    table: tuple[str, ...] = ()
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        header = re.match(r"\[\s*([^\[\]]+?)\s*\]\s*(#.*)?$", line)
        if header:
            table = _dotted(header.group(1))
            found.setdefault(table, number)
            continue
        key = re.match(r"""([A-Za-z0-9_.\-"' ]+?)\s*=""", line)
        if key:
            path = table + _dotted(key.group(1))
            found.setdefault(path, number)
            for inner in re.finditer(r"[{,]\s*([A-Za-z0-9_\-]+)\s*=", line):
                found.setdefault((*path, inner.group(1)), number)
    return found


def _dotted(key: str) -> tuple[str, ...]:
    return tuple(part.strip().strip("\"'") for part in key.split("."))


class _Where:
    """``scarleaflets.toml:LINE`` for a setting, from the nearest line known for its path."""

    def __init__(self, shown: str, text: str) -> None:
        self.shown = shown
        self.lines = key_lines(text)

    def line(self, *path: str) -> int:
        while path and path not in self.lines:
            path = path[:-1]
        return self.lines.get(path, 0)

    def __call__(self, *path: str) -> str:
        line = self.line(*path)
        return f"{self.shown}:{line}" if line else self.shown


def read_settings(path: Path) -> Settings:
    if not path.is_file():
        return Settings()
    shown = path.name
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"at line (\d+)", str(exc))
        line = f":{match.group(1)}" if match else ""
        raise ConfigError(f"{shown}{line}: not valid TOML: {exc}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{shown}: cannot be read: {exc}") from None
    where = _Where(shown, text)
    values: dict[str, Any] = {}
    for section, table in data.items():
        if section not in _SCHEMA:
            raise ConfigError(f"{where(section)}: unknown section [{section}]{_hint(section, _SCHEMA)}")
        if not isinstance(table, dict):
            raise ConfigError(f"{where(section)}: [{section}] must be a table of settings")
        if section == "readability":
            values["readability"] = _readability(table, where)
            continue
        for key, value in table.items():
            values[_FIELDS.get((section, str(key))) or str(key)] = _typed(
                section, key, value, _SCHEMA[section], where
            )
    tokens = values.get("api_token_sha256", {})
    for brand, digest in tokens.items():
        if not isinstance(digest, str) or not re.fullmatch(r"[0-9a-f]{64}", digest):
            raise ConfigError(
                f"{where('web', 'api_token_sha256', brand)}: [web] api_token_sha256.{brand} must be the SHA-256 "
                "of the token, 64 hex digits (make one with: printf %s TOKEN | sha256sum)"
            )
    settings = Settings(**values)
    if not 1.0 <= settings.max_grade <= 18.0:
        raise ConfigError(
            f"{where('check', 'max_grade')}: [check] max_grade must be between 1 and 18, got {settings.max_grade}"
        )
    if not settings.unsubscribe_url.startswith("https://"):
        raise ConfigError(
            f"{where('email', 'unsubscribe_url')}: [email] unsubscribe_url must be an https:// address "
            "(mail providers require it)"
        )
    if not _PUBLIC_URL.fullmatch(settings.public_url):
        raise ConfigError(
            f"{where('web', 'public_url')}: [web] public_url must be an absolute https:// address ending with "
            f"'/' (the web service's address as patients reach it), got {settings.public_url!r}"
        )
    if not 0.0 <= settings.min_completeness <= 100.0:
        raise ConfigError(
            f"{where('i18n', 'min_completeness')}: [i18n] min_completeness must be a percentage from 0 to 100, "
            f"got {settings.min_completeness}"
        )
    return settings


def _typed(section: str, key: str, value: object, schema: dict[str, type], where: _Where) -> Any:  # noqa: ANN401
    """A setting's value, checked against its expected type (a whole number is a float where one is asked)."""
    expected = schema.get(key)
    place = where(*section.split("."), key)
    if expected is None:
        raise ConfigError(f"{place}: [{section}] unknown setting '{key}'{_hint(key, schema)}")
    if expected is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, expected) or isinstance(value, bool):
        raise ConfigError(f"{place}: [{section}] {key} must be a {expected.__name__}, got {value!r}")
    return value


def _readability(table: dict[str, Any], where: _Where) -> ReadabilitySettings:
    """``[readability]``: its own settings, and a ``[readability.LOCALE]`` table per language."""
    own: dict[str, Any] = {}
    languages: list[LanguageTarget] = []
    for key, value in table.items():
        if isinstance(value, dict):
            languages.append(_language_target(key, value, where))
        else:
            own[key] = _typed("readability", key, value, _SCHEMA["readability"], where)
    settings = ReadabilitySettings(**own, languages=tuple(languages))
    if not 5 <= settings.long_sentence_words <= 100:
        raise ConfigError(
            f"{where('readability', 'long_sentence_words')}: [readability] long_sentence_words must be from 5 "
            f"to 100 words, got {settings.long_sentence_words}"
        )
    if not 0 <= settings.hardest_sentences <= 20:
        raise ConfigError(
            f"{where('readability', 'hardest_sentences')}: [readability] hardest_sentences must be from 0 to "
            f"20, got {settings.hardest_sentences}"
        )
    _on_failure(settings.on_failure, "[readability]", where("readability", "on_failure"))
    return settings


def _language_target(locale: str, table: dict[str, Any], where: _Where) -> LanguageTarget:
    name = f"[readability.{locale}]"
    if not _LOCALE_CODE.fullmatch(locale):
        raise ConfigError(
            f"{where('readability', locale)}: {name}: '{locale}' is not a locale code; name each language's "
            "table by its code, for example [readability.es] or [readability.pt_BR]"
        )
    values = {
        key: _typed(f"readability.{locale}", key, value, _LANGUAGE_TARGET, where)
        for key, value in table.items()
    }
    lines = {key: where.line("readability", locale, key) for key in values}
    target = LanguageTarget(
        locale, **values, file=where.shown, lines={"": where.line("readability", locale), **lines}
    )
    if target.min_score is not None and target.max_grade is not None:
        raise ConfigError(
            f"{target.at('max_grade')}: {name} sets both min_score and max_grade; a formula has one scale: "
            "min_score for a reading-ease score (higher is easier), max_grade for a grade"
        )
    if target.min_score is not None and not 0.0 <= target.min_score <= 120.0:
        raise ConfigError(
            f"{target.at('min_score')}: {name} min_score must be from 0 to 120, got {target.min_score}"
        )
    if target.max_grade is not None and not 1.0 <= target.max_grade <= 20.0:
        raise ConfigError(
            f"{target.at('max_grade')}: {name} max_grade must be from 1 to 20, got {target.max_grade}"
        )
    if target.on_failure is not None:
        _on_failure(target.on_failure, name, target.at("on_failure"))
    return target


def _on_failure(value: str, name: str, where: str) -> None:
    if value not in ON_FAILURE:
        raise ConfigError(
            f'{where}: {name} on_failure must be "warn" (reported, check passes) or "error" (check fails), '
            f"got {value!r}"
        )


def _hint(word: str, known: dict[str, Any]) -> str:
    guess = difflib.get_close_matches(word, list(known), n=1)
    return f"; did you mean '{guess[0]}'?" if guess else f"; known: {', '.join(known)}"
