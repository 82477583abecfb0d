"""The leaflet matrix: real PDFs of the shipped project, rendered once per test session and audited. Tests that
need real leaflets of the shipped project read them from here (``matrix_dir``) instead of rendering their own."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from scarleaflets.config import open_project
from scarleaflets.leaflets.build import GUIDE, JobResult, Selection, choose_locales, plan, render_jobs
from scarleaflets.output import atomic_write
from scarleaflets.release import load_all

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
    selections = [Selection(topics=topics)]
    selections += [Selection((brand,), locales, (GUIDE,)) for brand, locales in MATRIX_GUIDES.items()]
    # One plan and one pool for all of it (as `scarleaflets build` renders one selection): the guides, the
    # longest documents, start first and the topics fill both cores around them.
    loaded = load_all(project, SHIPPED_TODAY, {})
    jobs = [
        job
        for selection in selections
        for job in plan(loaded, choose_locales(project, selection, loaded)[0], selection, out)
    ]
    results: dict[str, JobResult] = {}
    failed = []
    for item in render_jobs(loaded, jobs):
        if item.error is None:
            atomic_write(out / item.job.relative, item.data)
            results[item.job.relative] = item
        else:
            failed.append((item.job.relative, item.error))
    assert not failed, failed
    assert len(results) == len(jobs)
    return Matrix(out, results)


@pytest.fixture(scope="session")
def leaflet_matrix(matrix) -> dict[str, JobResult]:
    """The matrix's leaflets with their audit's findings, keyed by path."""
    return matrix.results


@pytest.fixture(scope="session")
def matrix_dir(matrix) -> Path:
    """The folder the matrix's PDFs are in (BRAND/LOCALE/TOPIC.pdf), for tests that read real leaflets."""
    return matrix.folder
