"""config.py: project folders and scarleaflets.toml, with errors that say what to do."""

from __future__ import annotations

import pytest

from scarleaflets.config import DEFAULT_MAX_GRADE, key_lines, open_project
from scarleaflets.errors import ConfigError


def test_defaults_without_a_settings_file(mini_project):
    project = open_project(mini_project)
    assert project.settings.max_grade == DEFAULT_MAX_GRADE
    assert project.content_dir == mini_project.resolve() / "content"


def test_settings_are_read(mini_project):
    (mini_project / "scarleaflets.toml").write_text("[check]\nmax_grade = 6\n")
    assert open_project(mini_project).settings.max_grade == 6.0


def test_public_url_is_read(mini_project):
    assert open_project(mini_project).settings.public_url == "https://leaflets.example.org/"
    (mini_project / "scarleaflets.toml").write_text(
        "[web]\npublic_url = 'https://clinic.example:8443/patients/'\n"
    )
    assert open_project(mini_project).settings.public_url == "https://clinic.example:8443/patients/"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[check]\nmax_grade = \n", r"scarleaflets.toml:2: not valid TOML"),
        ("[chek]\nmax_grade = 6\n", r"unknown section \[chek\]; did you mean 'check'\?"),
        ("[check]\nmax_grad = 6\n", r"unknown setting 'max_grad'; did you mean 'max_grade'\?"),
        ("[check]\nmax_grade = 'high'\n", r"max_grade must be a float"),
        ("[check]\nmax_grade = true\n", r"max_grade must be a float"),
        ("[check]\nmax_grade = 40\n", r"scarleaflets.toml:2: \[check\] max_grade must be between 1 and 18"),
        (
            "[web]\nmax_body_bytes = 1\napi_token_sha256 = { a = 'x' }\n",
            r"scarleaflets.toml:3: \[web\] api_token_sha256.a",
        ),
        (
            "[web]\npublic_url = 'http://leaflets.example.org/'\n",
            r"scarleaflets.toml:2: \[web\] public_url must be",
        ),
        (
            "[web]\n\npublic_url = 'https://leaflets.example.org'\n",
            r"scarleaflets.toml:3: \[web\] public_url .* ending",
        ),
        ("[web]\npublic_url = 'leaflets/'\n", r"scarleaflets.toml:2: \[web\] public_url must be an absolute"),
        ("[web]\npublic_url = 'https://x.org/?a=b/'\n", r"scarleaflets.toml:2: \[web\] public_url must be"),
        ("[web]\npublic_url = 7\n", r"scarleaflets.toml:2: \[web\] public_url must be a str"),
    ],
)
def test_bad_settings(mini_project, text, message):
    (mini_project / "scarleaflets.toml").write_text(text)
    with pytest.raises(ConfigError, match=message):
        open_project(mini_project)


# Readability targets: every bad value is named with the file and the line it is on.
BAD_READABILITY = [
    ("[readability]\nlong_sentence_words = 3\n", r"scarleaflets.toml:2: \[readability\] long_sentence_words must be from 5"),
    ("[readability]\nhardest_sentences = -1\n", r"scarleaflets.toml:2: \[readability\] hardest_sentences must be from 0"),
    ("[readability]\non_failure = 'fail'\n", r"scarleaflets.toml:2: \[readability\] on_failure must be \"warn\" .* or \"error\""),
    ("[readability]\nlong_sentences = 20\n", r"scarleaflets.toml:2: .*unknown setting 'long_sentences'; did you mean"),
    ("[check]\nmax_grade = 8\n\n[readability.es]\nformula = 'inflesz'\nmin_score = 'high'\n",
     r"scarleaflets.toml:6: \[readability.es\] min_score must be a float, got 'high'"),
    ("[readability.de]\nmax_grad = 8\n", r"scarleaflets.toml:2: \[readability.de\] unknown setting 'max_grad'; did you mean 'max_grade'\?"),
    ("[readability.de]\nmax_grade = 80\n", r"scarleaflets.toml:2: \[readability.de\] max_grade must be from 1 to 20"),
    ("[readability.fr]\nmin_score = 300\n", r"scarleaflets.toml:2: \[readability.fr\] min_score must be from 0 to 120"),
    ("[readability]\nes = { min_score = 55, max_grade = 8 }\n", r"scarleaflets.toml:2: \[readability.es\] sets both"),
    ("[readability]\nes.on_failure = 'never'\n", r"scarleaflets.toml:2: \[readability.es\] on_failure must be"),
    ("# targets\n[readability.Spanish]\nmin_score = 55\n", r"scarleaflets.toml:2: \[readability.Spanish\]: 'Spanish' is not a locale code"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "message"), BAD_READABILITY)
def test_bad_readability_settings_name_file_and_line(mini_project, text, message):
    (mini_project / "scarleaflets.toml").write_text(text)
    with pytest.raises(ConfigError, match=message):
        open_project(mini_project)


def test_readability_settings_are_read_with_their_lines(mini_project):
    (mini_project / "scarleaflets.toml").write_text(
        "[readability]\nhardest_sentences = 2\non_failure = 'error'\n\n[readability.es]\n"
        "formula = 'fernandez-huerta'  # the other Spanish formula\nmin_score = 70\n"
        "[readability.ru]\nmin_score = 60\non_failure = 'warn'\n"
    )
    readability = open_project(mini_project).settings.readability
    assert (readability.hardest_sentences, readability.long_sentence_words, readability.on_failure) == (
        2,
        25,
        "error",
    )
    es, ru = readability.languages
    assert (es.locale, es.formula, es.min_score, es.max_grade, es.on_failure) == (
        "es",
        "fernandez-huerta",
        70.0,
        None,
        None,
    )
    assert es.at() == "scarleaflets.toml:5"
    assert es.at("min_score") == "scarleaflets.toml:7"
    assert (ru.locale, ru.on_failure, ru.at("on_failure")) == ("ru", "warn", "scarleaflets.toml:10")


def test_readability_defaults(mini_project):
    readability = open_project(mini_project).settings.readability
    assert (readability.long_sentence_words, readability.hardest_sentences, readability.on_failure) == (
        25,
        3,
        "warn",
    )
    assert readability.languages == ()


def test_key_lines_knows_tables_dotted_keys_and_inline_tables():
    text = "# c\n[a]\nx = 1\ny = 2\n[a.b]  # t\nc.d = { e = 1, f = 2 }\n"
    assert key_lines(text) == {
        ("a",): 2,
        ("a", "x"): 3,
        ("a", "y"): 4,
        ("a", "b"): 5,
        ("a", "b", "c", "d"): 6,
        ("a", "b", "c", "d", "e"): 6,
        ("a", "b", "c", "d", "f"): 6,
    }


def test_not_a_project(tmp_path):
    with pytest.raises(ConfigError, match="no content/ folder"):
        open_project(tmp_path)
    with pytest.raises(ConfigError, match="no such folder"):
        open_project(tmp_path / "missing")
