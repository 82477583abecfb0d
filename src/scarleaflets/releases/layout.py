"""Where releases live, how they are numbered, and which one is current.

Releases are folders ``<releases>/<N>/`` (``[release] dir`` in scarleaflets.toml, ``releases`` by default,
or ``SCARLEAFLETS_RELEASES``), numbered from 1, never changed once written: a release is built in a
temporary folder beside them and renamed into place whole. ``<releases>/CURRENT`` names the one the sender
and the web service use; it is replaced atomically (written aside, then renamed), so a reader sees the old
number or the new one, never a mix. ``<releases>/.lock`` serialises the commands that write.

Each release holds ``release.json`` (what the loader needs: the languages, brands and series it serves and
where each comes from) and ``manifest.json`` (the register: every input's hash, the toolchain, every leaflet
with its reference, version and hash). This module reads only ``release.json``: listing releases and
switching between them stay fast.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..config import Project
from ..errors import ScarleafletsError
from ..output import atomic_write

ENV = "SCARLEAFLETS_RELEASES"
CURRENT = "CURRENT"
INDEX = "release.json"
MANIFEST = "manifest.json"
FORMAT = 1  # the layout of a release folder; a loader refuses one it does not know


class NoReleaseError(ScarleafletsError):
    """There is no release to send or serve from (none made yet, or the one asked for does not exist)."""


def releases_dir(project: Project) -> Path:
    """The folder holding the releases: SCARLEAFLETS_RELEASES, else ``[release] dir`` (relative to the
    project folder)."""
    configured = os.environ.get(ENV) or project.settings.release_dir
    return (project.root / configured).resolve()


def release_path(folder: Path, number: int) -> Path:
    return folder / str(number)


def release_numbers(folder: Path) -> list[int]:
    """Every complete release in the folder, oldest first (a folder counts once its index is written)."""
    if not folder.is_dir():
        return []
    return sorted(
        int(entry.name)
        for entry in folder.iterdir()
        if entry.name.isdigit() and (entry / INDEX).is_file() and not entry.name.startswith("0")
    )


def current_number(folder: Path) -> int | None:
    """The number CURRENT names, or None when no release was made yet."""
    try:
        text = (folder / CURRENT).read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return int(text) if text.isdigit() else None


def no_release(folder: Path, project: Project) -> NoReleaseError:
    try:
        shown = folder.relative_to(project.root).as_posix()
    except ValueError:
        shown = folder.as_posix()
    return NoReleaseError(
        f"no release in {shown}/ yet: the sender and the web service only use released content. "
        "Run `scarleaflets release` (it checks everything, builds the leaflets and makes release 1 current), "
        "then run this command again"
    )


def use_release(folder: Path, number: int) -> None:
    """Make release ``number`` current (an atomic replacement of CURRENT)."""
    if number not in release_numbers(folder):
        known = ", ".join(map(str, release_numbers(folder))) or "none"
        raise NoReleaseError(f"no release {number} in {folder}; releases: {known}")
    atomic_write(folder / CURRENT, f"{number}\n".encode("ascii"))


def read_index(folder: Path, number: int) -> dict[str, Any]:
    """A release's ``release.json``; raises NoReleaseError when it is missing or not one this version reads."""
    path = release_path(folder, number) / INDEX
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise NoReleaseError(f"no release {number} in {folder}") from None
    except (OSError, ValueError) as exc:
        raise NoReleaseError(f"{path}: cannot be read ({exc}); make a new release") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise NoReleaseError(
            f"{path}: written by another version of scarleaflets (format {data.get('format')})"
        )
    return data


def read_manifest(folder: Path, number: int) -> dict[str, Any]:
    """A release's ``manifest.json`` (the register), or an empty one when it cannot be read."""
    try:
        data = json.loads((release_path(folder, number) / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


@contextlib.contextmanager
def locked(folder: Path) -> Iterator[None]:
    """Hold the releases folder's lock: one `release` or `releases use` at a time (others wait)."""
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / ".lock").open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@dataclass(frozen=True)
class Summary:
    """One line of `scarleaflets releases`."""

    number: int
    created: str
    current: bool
    released: tuple[str, ...]  # languages with this release's own text
    carried: dict[str, int]  # held-back languages still served, and the release their text comes from
    missing: tuple[str, ...]  # held-back languages not served at all (never complete in a release)
    rendered: int
    reused: int


def summaries(folder: Path) -> list[Summary]:
    current = current_number(folder)
    found = []
    for number in release_numbers(folder):
        index = read_index(folder, number)
        languages: dict[str, dict[str, Any]] = index.get("languages", {})
        leaflets = index.get("leaflets", {})
        found.append(
            Summary(
                number=number,
                created=str(index.get("created", "")),
                current=number == current,
                released=tuple(
                    code for code, entry in languages.items() if entry.get("served_from") == number
                ),
                carried={
                    code: int(entry["served_from"])
                    for code, entry in languages.items()
                    if entry.get("served_from") not in (None, number)
                },
                missing=tuple(code for code, entry in languages.items() if entry.get("served_from") is None),
                rendered=int(leaflets.get("rendered", 0)),
                reused=int(leaflets.get("reused", 0)),
            )
        )
    return found
