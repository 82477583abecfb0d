"""Shared fixtures: the repository's own project, and a small valid project copied per test."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
# The day the fixtures are checked against: after every review date in tests/data/mini.
FIXTURE_TODAY = dt.date(2026, 6, 1)


@pytest.fixture
def repo_root() -> Path:
    return REPO


@pytest.fixture
def mini_project(tmp_path: Path) -> Path:
    """A copy of tests/data/mini: two valid topics, a guide and a figure, free to be broken by the test."""
    target = tmp_path / "project"
    shutil.copytree(DATA / "mini", target)
    return target


def make_catalog_project(mini_project: Path):
    """The mini project with its template extracted (as `scarleaflets i18n extract` would)."""
    from scarleaflets.config import open_project
    from scarleaflets.extract import extract_project
    from scarleaflets.i18n import write_template

    project = open_project(mini_project)
    write_template(project, extract_project(project, dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)))
    return project


@pytest.fixture
def catalog_project(mini_project):
    return make_catalog_project(mini_project)
