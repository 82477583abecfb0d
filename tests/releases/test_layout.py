"""releases/layout.py: where releases live, the current pointer, listing, and the clear error without one."""

from __future__ import annotations

import json

import pytest

from scarleaflets.config import open_project
from scarleaflets.releases import NoReleaseError, current_number, load_release, release_numbers, releases_dir
from scarleaflets.releases.layout import INDEX, summaries, use_release


def _fake_release(folder, number, languages=None):
    path = folder / str(number)
    path.mkdir(parents=True)
    index = {
        "format": 1,
        "release": number,
        "created": "2026-11-29T10:00:00+00:00",
        "languages": languages or {},
    }
    (path / INDEX).write_text(json.dumps(index))


def test_the_folder_is_a_setting_and_an_environment_variable(mini_project, monkeypatch, tmp_path):
    assert releases_dir(open_project(mini_project)) == mini_project / "releases"
    (mini_project / "scarleaflets.toml").write_text('[release]\ndir = "published"\n')
    assert releases_dir(open_project(mini_project)) == mini_project / "published"
    monkeypatch.setenv("SCARLEAFLETS_RELEASES", str(tmp_path / "elsewhere"))
    assert releases_dir(open_project(mini_project)) == tmp_path / "elsewhere"


def test_no_release_tells_staff_what_to_run(mini_project):
    with pytest.raises(NoReleaseError, match=r"no release in releases/ yet.*Run `scarleaflets release`"):
        load_release(open_project(mini_project))


def test_current_pointer_listing_and_use(tmp_path):
    folder = tmp_path / "releases"
    assert release_numbers(folder) == []
    _fake_release(folder, 1, {"en": {"served_from": 1}, "fr": {"served_from": 1}})
    _fake_release(
        folder, 2, {"en": {"served_from": 2}, "fr": {"served_from": 1, "held_back": "fr: 98% < 100%"}}
    )
    (folder / ".building-3").mkdir()  # an unfinished build is not a release
    assert release_numbers(folder) == [1, 2]
    assert current_number(folder) is None
    use_release(folder, 2)
    assert current_number(folder) == 2
    listed = summaries(folder)
    assert [(s.number, s.current, s.released, s.carried) for s in listed] == [
        (1, False, ("en", "fr"), {}),
        (2, True, ("en",), {"fr": 1}),
    ]
    use_release(folder, 1)
    assert current_number(folder) == 1
    with pytest.raises(NoReleaseError, match=r"no release 7 .*releases: 1, 2"):
        use_release(folder, 7)
    assert current_number(folder) == 1
