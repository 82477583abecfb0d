"""checks.py: reading level and review dates decide the report; the clock is passed in."""

from __future__ import annotations

import datetime as dt

from scarleaflets.checks import run_check
from scarleaflets.config import open_project

from .conftest import FIXTURE_TODAY


def test_clean_project_passes(mini_project):
    report = run_check(open_project(mini_project), FIXTURE_TODAY, strict=True)
    assert report.ok
    assert [t.topic.id for t in report.topics] == ["sample", "other"]
    assert report.warnings == []


def test_overdue_review_warns_and_fails_only_when_strict(mini_project):
    later = dt.date(2027, 1, 11)
    relaxed = run_check(open_project(mini_project), later, strict=False)
    assert relaxed.ok
    assert len(relaxed.warnings) == 2
    assert str(relaxed.warnings[0]) == (
        "content/topics/sample.yaml:50: review.next_review_due: review was due on 2027-01-10; "
        "review the topic against its sources and update the dates"
    )
    strict = run_check(open_project(mini_project), later, strict=True)
    assert not strict.ok
    assert len(strict.errors) == 2


def test_due_today_is_not_overdue(mini_project):
    report = run_check(open_project(mini_project), dt.date(2027, 1, 10), strict=True)
    assert report.ok


def test_topic_above_the_maximum_grade_fails(mini_project):
    report = run_check(open_project(mini_project), FIXTURE_TODAY, strict=False, max_grade=1.0)
    assert not report.ok
    assert all("above the maximum of 1.0" in p.message for p in report.errors)
    assert len(report.errors) == 2


def test_settings_file_sets_the_maximum(mini_project):
    (mini_project / "scarleaflets.toml").write_text("[check]\nmax_grade = 1.5\n")
    report = run_check(open_project(mini_project), FIXTURE_TODAY, strict=False)
    assert report.max_grade == 1.5
    assert not report.ok


def test_content_errors_end_up_in_the_report(mini_project):
    (mini_project / "content/topics/sample.yaml").write_text("id: sample\n")
    report = run_check(open_project(mini_project), FIXTURE_TODAY, strict=False)
    assert not report.ok
    assert report.topics == []
    assert report.errors[0].file == "content/topics/sample.yaml"


def test_content_and_catalog_problems_are_reported_in_one_run(catalog_project):
    import shutil

    from .conftest import DATA

    target = catalog_project.locales_dir / "fr" / "LC_MESSAGES" / "messages.po"
    target.parent.mkdir(parents=True)
    shutil.copyfile(DATA / "bad-po" / "script-injection.po", target)
    (catalog_project.content_dir / "topics" / "sample.yaml").write_text("id: sample\n")
    report = run_check(open_project(catalog_project.root), FIXTURE_TODAY, strict=False)
    files = {p.file for p in report.errors}
    assert {"content/topics/sample.yaml", "locales/fr/LC_MESSAGES/messages.po"} <= files


def test_a_language_without_its_own_legal_text_warns_and_falls_back(leaflet_project):
    """The mini brand offers es but gives its legal text once: leaflets print it, and check says so."""
    from scarleaflets import i18n
    from scarleaflets.brands import load_brands

    brand = load_brands(leaflet_project.root, i18n.discover_locales(leaflet_project))["mini"]
    assert (
        brand.legal_text("es")
        == brand.legal_text("en")
        == "Mini Clinic is a fictional clinic used by the tests."
    )
    report = run_check(leaflet_project, FIXTURE_TODAY, strict=False)
    assert [str(w) for w in report.warnings if w.path == "legal"] == [
        "content/brands/mini.yaml: legal: no legal text in es, so its leaflets print the en one; "
        "add 'es: …' under legal"
    ]
