"""checks.py: reading level and review dates decide the report; the clock is passed in."""

from __future__ import annotations

import datetime as dt

import pytest

from scarleaflets.checks import run_check
from scarleaflets.config import open_project
from scarleaflets.errors import ConfigError

from .conftest import FIXTURE_TODAY, translate_all


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


def test_a_brand_whose_colours_cannot_be_read_fails_check(mini_project):
    """White headings on a pale yellow band: check fails, naming the brand file, the line, the colour and where
    it is used (issue 13: `check` said nothing)."""
    brand = mini_project / "content" / "brands" / "mini.yaml"
    brand.write_text(brand.read_text().replace('primary: "#23395d"', 'primary: "#f3e9a0"'))
    report = run_check(open_project(mini_project), FIXTURE_TODAY, strict=False)
    assert not report.ok
    assert [str(p) for p in report.errors] == [
        "content/brands/mini.yaml:5: colors.primary: #f3e9a0: white text on it (header band, table headings) "
        "has contrast 1.2:1, needs 4.5:1"
    ]


# Readability in every language with a validated formula ---------------------------------------------------


def _detail_places(problem):
    """(file, line, first word) of each sentence a problem names."""
    places = []
    for detail in problem.details:
        where, _, text = detail.partition(': "')
        file, _, line = where.rpartition(":")
        places.append((file, int(line), text.split()[0]))
    return places


def _line(root, file, line):
    return (root / file).read_text(encoding="utf-8").splitlines()[line - 1]


def test_an_english_grade_failure_names_its_hardest_sentences_by_yaml_line(mini_project):
    report = run_check(open_project(mini_project), FIXTURE_TODAY, strict=False, max_grade=1.0)
    problem = next(p for p in report.errors if p.file == "content/topics/sample.yaml")
    assert problem.line == 2  # the title
    assert problem.details
    for file, line, first_word in _detail_places(problem):
        assert file == "content/topics/sample.yaml"
        assert first_word.strip('"') in _line(mini_project, file, line)


def test_a_sentence_over_25_words_is_a_warning_at_its_line_and_never_an_error(mini_project):
    topic = mini_project / "content/topics/sample.yaml"
    long = (
        "Marks fade over months, but the sun, picking at the skin, and some creams that are too strong can make "
        "them darker and slow the fading a great deal."
    )
    topic.write_text(
        topic.read_text().replace(
            "      - paragraph: A short paragraph.\n",
            f"      - paragraph: A short paragraph.\n      - paragraph: Not long. {long}\n",
        )
    )
    report = run_check(open_project(mini_project), FIXTURE_TODAY, strict=True)
    assert report.ok
    assert [str(w) for w in report.warnings] == [
        'content/topics/sample.yaml:13: a sentence of 29 words (more than 25): "Marks fade over months, but the '
        'sun, picking at the skin, and some …"; split it'
    ]


def test_translated_readability_is_measured_from_the_catalog(leaflet_project):
    report = run_check(leaflet_project, FIXTURE_TODAY, strict=False)
    assert [t.locale for t in report.measured] == ["en", "es"]
    sample = report.topics[0].languages
    assert list(sample) == ["en", "es"]
    assert sample["es"].target.formula.id == "inflesz"
    assert sample["es"].score.missing == 0
    assert sample["es"].score.counts.sentences == sample["en"].score.counts.sentences  # the same texts


def test_a_missed_translated_target_warns_by_default_and_names_the_msgstr_lines(leaflet_project):
    translate_all(leaflet_project, "es", "Hiperpigmentación postinflamatoria:")  # long words in every text
    (leaflet_project.root / "scarleaflets.toml").write_text("[readability.es]\nmin_score = 100\n")
    project = open_project(leaflet_project.root)
    report = run_check(project, FIXTURE_TODAY, strict=False)
    assert report.ok
    missed = [w for w in report.warnings if "below the minimum of 100" in w.message]
    assert len(missed) == 2
    problem = missed[0]
    assert problem.file == "locales/es/LC_MESSAGES/messages.po"
    assert problem.message.startswith(
        "topic 'sample' in es reads at Szigriszt-Pazos perspicuity (INFLESZ scale) "
    )
    assert (
        _line(project.root, problem.file, problem.line)
        == 'msgstr "Hiperpigmentación postinflamatoria: A sample topic"'
    )
    places = _detail_places(problem)
    assert len(places) == 3
    for file, line, first_word in places:
        assert file == "locales/es/LC_MESSAGES/messages.po"
        assert _line(project.root, file, line).startswith("msgstr")
        assert first_word.strip('"') in _line(project.root, file, line)


def test_on_failure_error_makes_a_missed_translated_target_fail(leaflet_project):
    (leaflet_project.root / "scarleaflets.toml").write_text(
        "[readability]\non_failure = 'error'\n\n[readability.es]\nformula = 'fernandez-huerta'\nmin_score = 100\n"
    )
    translate_all(leaflet_project, "es", "Hiperpigmentación postinflamatoria:")
    report = run_check(open_project(leaflet_project.root), FIXTURE_TODAY, strict=False)
    assert not report.ok
    assert {p.file for p in report.errors} == {"locales/es/LC_MESSAGES/messages.po"}
    assert all("Fernández-Huerta reading ease" in p.message for p in report.errors)


def test_a_language_without_a_validated_formula_is_reported_not_measured(catalog_project):
    from scarleaflets import i18n

    i18n.init_locale(catalog_project, "vi", dt.datetime(2026, 6, 1, tzinfo=dt.UTC), "test translator")
    translate_all(catalog_project, "vi", "VI")
    report = run_check(catalog_project, FIXTURE_TODAY, strict=False)
    assert report.not_measured == ["vi"]
    assert [t.locale for t in report.measured] == ["en"]
    assert list(report.topics[0].languages) == ["en"]


def test_readability_settings_no_formula_can_meet_stop_check_with_file_and_line(mini_project):
    (mini_project / "scarleaflets.toml").write_text("[readability.de]\nmin_score = 60\n")
    with pytest.raises(
        ConfigError, match=r"scarleaflets.toml:2: \[readability.de\] .* set max_grade, not min_score"
    ):
        run_check(open_project(mini_project), FIXTURE_TODAY, strict=False)
