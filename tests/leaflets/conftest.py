"""The leaflet matrix: real PDFs of the shipped project, rendered once per test session and audited. Tests that
need real leaflets of the shipped project read them from here (``matrix_dir``) instead of rendering their own."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from scarleaflets.config import open_project
from scarleaflets.leaflets.build import GUIDE, JobResult, Selection, build

from ..conftest import REPO, SHIPPED_TODAY

# The complete guides in the matrix: Latin, Arabic and Chinese (a guide is about fifty pages, so not every
# language's guide is rendered here; `scarleaflets release` audits every leaflet it renders, `make demo` all 220).
MATRIX_GUIDES = {"riverside": ("en_GB", "ar"), "harbor": ("zh_Hans",)}


@dataclass(frozen=True)
class Matrix:
    folder: Path  # BRAND/LOCALE/TOPIC.pdf
    results: dict[str, JobResult]  # keyed by path: riverside/ar/aftercare.pdf


@pytest.fixture(scope="session")
def matrix(tmp_path_factory, shipped_content) -> Matrix:
    """Every topic leaflet of both demo clinics in each of their languages, and the guides of MATRIX_GUIDES:
    real WeasyPrint PDFs, each with the findings of its audit, rendered once per session on first use."""
    project = open_project(REPO)
    topics = tuple(shipped_content.topics)
    out = tmp_path_factory.mktemp("matrix")
    results: dict[str, JobResult] = {}
    selections = [Selection(topics=topics)]
    selections += [Selection((brand,), locales, (GUIDE,)) for brand, locales in MATRIX_GUIDES.items()]
    for selection in selections:
        result = build(project, SHIPPED_TODAY, selection, out_dir=out, force=True)
        assert not result.failed, [(item.job.relative, item.error) for item in result.failed]
        results.update((item.job.relative, item) for item in result.built)
    return Matrix(out, results)


@pytest.fixture(scope="session")
def leaflet_matrix(matrix) -> dict[str, JobResult]:
    """The matrix's leaflets with their audit's findings, keyed by path."""
    return matrix.results


@pytest.fixture(scope="session")
def matrix_dir(matrix) -> Path:
    """The folder the matrix's PDFs are in (BRAND/LOCALE/TOPIC.pdf), for tests that read real leaflets."""
    return matrix.folder
