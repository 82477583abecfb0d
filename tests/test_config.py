"""config.py: project folders and scarleaflets.toml, with errors that say what to do."""

from __future__ import annotations

import pytest

from scarleaflets.config import DEFAULT_MAX_GRADE, open_project
from scarleaflets.errors import ConfigError


def test_defaults_without_a_settings_file(mini_project):
    project = open_project(mini_project)
    assert project.settings.max_grade == DEFAULT_MAX_GRADE
    assert project.content_dir == mini_project.resolve() / "content"


def test_settings_are_read(mini_project):
    (mini_project / "scarleaflets.toml").write_text("[check]\nmax_grade = 6\n")
    assert open_project(mini_project).settings.max_grade == 6.0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[check]\nmax_grade = \n", r"scarleaflets.toml:2: not valid TOML"),
        ("[chek]\nmax_grade = 6\n", r"unknown section \[chek\]; did you mean 'check'\?"),
        ("[check]\nmax_grad = 6\n", r"unknown setting 'max_grad'; did you mean 'max_grade'\?"),
        ("[check]\nmax_grade = 'high'\n", r"max_grade must be a float"),
        ("[check]\nmax_grade = true\n", r"max_grade must be a float"),
        ("[check]\nmax_grade = 40\n", r"between 1 and 18"),
    ],
)
def test_bad_settings(mini_project, text, message):
    (mini_project / "scarleaflets.toml").write_text(text)
    with pytest.raises(ConfigError, match=message):
        open_project(mini_project)


def test_not_a_project(tmp_path):
    with pytest.raises(ConfigError, match="no content/ folder"):
        open_project(tmp_path)
    with pytest.raises(ConfigError, match="no such folder"):
        open_project(tmp_path / "missing")
