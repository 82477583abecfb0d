"""requirements.lock: complete, hash-checked, consistent with pyproject.toml, and what is installed."""

from __future__ import annotations

import importlib.util
import os
import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from .conftest import REPO

spec = importlib.util.spec_from_file_location("locktool", REPO / "tools" / "locktool.py")
assert spec is not None
assert spec.loader is not None
locktool = importlib.util.module_from_spec(spec)
spec.loader.exec_module(locktool)

LOCK = REPO / "requirements.lock"


def _declared() -> list[Requirement]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    return [Requirement(text) for text in [*project["dependencies"], *extras["dev"], *extras["postgres"]]]


def test_every_declared_dependency_is_locked_within_its_range():
    pins = locktool.read_lock(LOCK)
    for requirement in _declared():
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{requirement} is in pyproject.toml but not locked: run `make lock`"
        assert requirement.specifier.contains(pins[name], prereleases=True), (
            f"{name}=={pins[name]} in requirements.lock is outside {requirement}: run `make lock`"
        )


def test_every_pin_is_exact_and_hash_checked():
    text = LOCK.read_text()
    entries = re.split(r"\n(?=[A-Za-z0-9])", text.split("\n", 2)[2])
    assert len(entries) == len(locktool.read_lock(LOCK)) > 40
    for entry in entries:
        assert "==" in entry.splitlines()[0]
        assert re.search(r"--hash=sha256:[0-9a-f]{64}", entry), f"no hash for {entry.splitlines()[0]}"


def test_the_environment_holds_exactly_the_locked_versions():
    # `make upgrade-check` runs the suite in an environment made from its own lock of the newest versions.
    lock = Path(os.environ.get("SCARLEAFLETS_LOCK", LOCK))
    assert locktool.verify(lock) == []


def test_a_version_that_differs_from_the_lock_is_reported(tmp_path):
    pins = locktool.read_lock(LOCK)
    babel = pins["babel"]
    altered = tmp_path / "old.lock"
    altered.write_text(LOCK.read_text().replace(f"babel=={babel}", "babel==2.18.0"))
    assert locktool.verify(altered) == [f"babel: locked 2.18.0, installed {babel}"]
    assert locktool.diff(altered, LOCK) == [f"  ~ babel 2.18.0 -> {babel}"]


def test_a_line_that_is_not_a_pin_is_refused(tmp_path):
    broken = tmp_path / "broken.lock"
    broken.write_text("babel>=2.17\n")
    with pytest.raises(SystemExit, match=r"broken.lock:1: not a pinned requirement: babel>=2.17"):
        locktool.read_lock(broken)
