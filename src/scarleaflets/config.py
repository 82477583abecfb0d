"""The project folder and its settings (``scarleaflets.toml``), with defaults for everything.

A project folder holds ``content/``, ``locales/``, ``templates/`` and optionally ``scarleaflets.toml``. The
installed package is the engine; a clinic can keep a project folder of its own and point the command at it
with ``--project DIR`` (or ``SCARLEAFLETS_PROJECT``).
"""

from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ConfigError

SETTINGS_FILE = "scarleaflets.toml"
DEFAULT_MAX_GRADE = 8.0
DEFAULT_MIN_COMPLETENESS = 100.0

# section -> key -> expected type
_SCHEMA: dict[str, dict[str, type]] = {
    "check": {"max_grade": float},
    "i18n": {"min_completeness": float},
    "email": {"unsubscribe_url": str, "transport": str, "retry_hours": float, "max_attempts": int},
    "web": {"api_token_sha256": dict, "max_body_bytes": int},
    "release": {"dir": str},
}
# A setting whose key differs from its Settings field (the section names it already).
_FIELDS: dict[tuple[str, str], str] = {("release", "dir"): "release_dir"}


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


def read_settings(path: Path) -> Settings:
    if not path.is_file():
        return Settings()
    shown = path.name
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"at line (\d+)", str(exc))
        line = f":{match.group(1)}" if match else ""
        raise ConfigError(f"{shown}{line}: not valid TOML: {exc}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{shown}: cannot be read: {exc}") from None
    values: dict[str, Any] = {}
    for section, table in data.items():
        if section not in _SCHEMA:
            raise ConfigError(f"{shown}: unknown section [{section}]{_hint(section, _SCHEMA)}")
        if not isinstance(table, dict):
            raise ConfigError(f"{shown}: [{section}] must be a table of settings")
        for key, value in table.items():
            expected = _SCHEMA[section].get(key)
            if expected is None:
                raise ConfigError(
                    f"{shown}: [{section}] unknown setting '{key}'{_hint(key, _SCHEMA[section])}"
                )
            if expected is float and isinstance(value, int) and not isinstance(value, bool):
                value = float(value)
            if not isinstance(value, expected) or isinstance(value, bool):
                raise ConfigError(f"{shown}: [{section}] {key} must be a {expected.__name__}, got {value!r}")
            values[_FIELDS.get((section, str(key))) or str(key)] = value
    tokens = values.get("api_token_sha256", {})
    for brand, digest in tokens.items():
        if not isinstance(digest, str) or not re.fullmatch(r"[0-9a-f]{64}", digest):
            raise ConfigError(
                f"{shown}: [web] api_token_sha256.{brand} must be the SHA-256 of the token, 64 hex digits "
                "(make one with: printf %s TOKEN | sha256sum)"
            )
    settings = Settings(**values)
    if not 1.0 <= settings.max_grade <= 18.0:
        raise ConfigError(f"{shown}: [check] max_grade must be between 1 and 18, got {settings.max_grade}")
    if not settings.unsubscribe_url.startswith("https://"):
        raise ConfigError(
            f"{shown}: [email] unsubscribe_url must be an https:// address (mail providers require it)"
        )
    if not 0.0 <= settings.min_completeness <= 100.0:
        raise ConfigError(
            f"{shown}: [i18n] min_completeness must be a percentage from 0 to 100, got {settings.min_completeness}"
        )
    return settings


def _hint(word: str, known: dict[str, Any]) -> str:
    guess = difflib.get_close_matches(word, list(known), n=1)
    return f"; did you mean '{guess[0]}'?" if guess else f"; known: {', '.join(known)}"
