"""The leaflet matrix: real PDFs of the shipped project, rendered once per test session and audited."""

from __future__ import annotations

import pytest

from scarleaflets.config import open_project
from scarleaflets.leaflets.build import GUIDE, JobResult, Selection, build

from ..conftest import REPO, SHIPPED_TODAY

# The complete guides in the matrix: one per script family of the demo clinics (a guide is about thirty pages,
# so not every language's guide is rendered here; `scarleaflets release` audits every leaflet it renders).
MATRIX_GUIDES = {"riverside": ("en_GB", "ar", "hi"), "harbor": ("zh_Hans",)}


@pytest.fixture(scope="session")
def leaflet_matrix(tmp_path_factory, shipped_content) -> dict[str, JobResult]:
    """Every topic leaflet of both demo clinics in each of their languages, and the guides of MATRIX_GUIDES:
    real WeasyPrint PDFs, each with the findings of its audit. Keyed by path: riverside/ar/aftercare.pdf."""
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
    return results
