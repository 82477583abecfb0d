"""cli/content.py (check, topics) and the group in cli/app.py: exit codes 0/1/2, the JSON shape, help texts,
and never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from scarleaflets.cli import cli


def run(*args: str):
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert "Traceback" not in result.output
    return result


def test_check_clean_project_exits_0(mini_project):
    result = run("--project", str(mini_project), "check", "--today", "2026-06-01")
    assert result.exit_code == 0, result.output
    assert "OK: 2 topics checked" in result.stdout
    assert "sample" in result.stdout


def test_check_bad_content_exits_1_with_file_and_line(mini_project):
    topic = mini_project / "content/topics/sample.yaml"
    topic.write_text(topic.read_text().replace("category: understanding", "category: marketing"))
    result = run("--project", str(mini_project), "check", "--today", "2026-06-01")
    assert result.exit_code == 1
    assert "error: content/topics/sample.yaml:3: category: 'marketing' is not allowed" in result.stderr
    assert "FAILED" in result.stderr


def test_check_json_shape(mini_project):
    result = run("--project", str(mini_project), "check", "--json", "--today", "2026-06-01")
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert set(report) == {
        "ok",
        "strict",
        "today",
        "max_grade",
        "errors",
        "warnings",
        "topics",
        "locales",
        "readability",
    }
    assert report["ok"] is True
    assert report["today"] == "2026-06-01"
    topic = report["topics"][0]
    assert set(topic) == {
        "id",
        "title",
        "category",
        "file",
        "grade",
        "words",
        "sentences",
        "sections",
        "figures",
        "sources",
        "review",
        "readability",
    }
    assert set(topic["review"]) == {"status", "approval", "reviewed_on", "next_review_due", "overdue"}
    assert set(topic["readability"]) == {"en"}
    assert set(topic["readability"]["en"]) == {
        "formula",
        "score",
        "band",
        "ok",
        "words",
        "sentences",
        "untranslated_texts",
    }
    assert (
        topic["readability"]["en"]["score"] == topic["grade"]
    )  # the English grade is the one check enforces
    assert report["readability"] == {
        "long_sentence_words": 25,
        "languages": {
            "en": {
                "formula": "flesch-kincaid",
                "name": "Flesch–Kincaid grade",
                "scale": "grade",
                "max_grade": 8.0,
                "on_failure": "error",
            }
        },
        "not_measured": [],
    }


def test_check_json_lists_errors(mini_project):
    (mini_project / "content/topics/sample.yaml").write_text("id: sample\n")
    result = run("--project", str(mini_project), "check", "--json", "--today", "2026-06-01")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["ok"] is False
    assert {"file", "line", "path", "message"} == set(report["errors"][0])


def test_strict_fails_on_overdue_review(mini_project):
    args = ("--project", str(mini_project), "check", "--today", "2027-02-01")
    relaxed = run(*args)
    assert relaxed.exit_code == 0
    assert "warning: content/topics/sample.yaml:50: review.next_review_due" in relaxed.stderr
    strict = run(*args, "--strict")
    assert strict.exit_code == 1


def test_max_grade_option(mini_project):
    result = run("--project", str(mini_project), "check", "--max-grade", "1", "--today", "2026-06-01")
    assert result.exit_code == 1
    assert "above the maximum of 1.0" in result.stderr


def test_check_prints_readability_per_topic_and_language(leaflet_project):
    from ..conftest import translate_all

    translate_all(leaflet_project, "es", "Hiperpigmentación postinflamatoria:")
    (leaflet_project.root / "scarleaflets.toml").write_text("[readability.es]\nmin_score = 100\n")
    result = run("--project", str(leaflet_project.root), "check", "--today", "2026-06-01")
    assert result.exit_code == 0, result.output  # a translation below its target warns by default
    lines = result.stdout.splitlines()
    header = lines.index(next(line for line in lines if line.startswith("readability ")))
    assert lines[header].split() == ["readability", "en", "es"]
    assert lines[header + 1].split() == ["FK", "≤", "8", "INFLESZ", "≥", "100"]
    sample = lines[header + 2].split()
    assert sample[0] == "sample"
    assert float(sample[1]) < 8
    assert sample[2].endswith("!")
    warning = next(line for line in result.stderr.splitlines() if "topic 'sample' in es" in line)
    assert warning.startswith("warning: locales/es/LC_MESSAGES/messages.po:")
    assert "below the minimum of 100" in warning
    details = result.stderr.split(warning, 1)[1].splitlines()[1:4]
    assert all(d.startswith("    locales/es/LC_MESSAGES/messages.po:") for d in details)


def test_bad_readability_settings_are_a_usage_error_naming_file_and_line(mini_project):
    (mini_project / "scarleaflets.toml").write_text("[readability.es]\nformula = 'flesch'\n")
    result = run("--project", str(mini_project), "check")
    assert result.exit_code == 2
    assert (
        "scarleaflets.toml:2: [readability.es] formula 'flesch' is not one for this language" in result.stderr
    )


@pytest.mark.parametrize(
    "args",
    [
        ("check", "--bogus"),
        ("check", "--today", "yesterday"),
        ("check", "--max-grade", "99"),
        ("nonsense",),
    ],
)
def test_usage_errors_exit_2(mini_project, args):
    result = run("--project", str(mini_project), *args)
    assert result.exit_code == 2


def test_not_a_project_is_a_usage_error(tmp_path):
    result = run("--project", str(tmp_path), "check")
    assert result.exit_code == 2
    assert "not a scarleaflets project" in result.stderr


def test_broken_settings_file_is_a_usage_error_naming_the_file(mini_project):
    (mini_project / "scarleaflets.toml").write_text("[check\n")
    result = run("--project", str(mini_project), "check")
    assert result.exit_code == 2
    assert "scarleaflets.toml:1: not valid TOML" in result.stderr


def test_topics_lists_in_guide_order(mini_project):
    result = run("--project", str(mini_project), "topics", "--today", "2026-06-01")
    assert result.exit_code == 0
    assert result.stdout.index("sample") < result.stdout.index("other")
    data = json.loads(run("--project", str(mini_project), "topics", "--json", "--today", "2026-06-01").stdout)
    assert [t["id"] for t in data["topics"]] == ["sample", "other"]


def test_topics_on_bad_content_exits_1_without_traceback(mini_project):
    (mini_project / "content/guide.yaml").write_text("title: [\n")
    result = run("--project", str(mini_project), "topics", "--today", "2026-06-01")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: 1 problem found:\ncontent/guide.yaml:")


@pytest.mark.parametrize("command", [(), ("check",), ("topics",)])
def test_every_command_explains_itself(command):
    result = run(*command, "--help")
    assert result.exit_code == 0
    assert "Usage:" in result.stdout
    assert len(result.stdout.splitlines()) > 5


def test_python_dash_m_runs_on_the_project_folder(repo_root, mini_project):
    completed = subprocess.run(
        [sys.executable, "-m", "scarleaflets", "check", "--today", "2026-06-01"],
        cwd=mini_project,
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert "OK: 2 topics checked" in completed.stdout


@pytest.mark.slow  # over 3 s: checks every shipped topic and catalog
def test_shipped_content_passes_strict_check(repo_root):
    result = run("--project", str(repo_root), "check", "--strict", "--today", "2026-12-01")
    assert result.exit_code == 0, result.output
