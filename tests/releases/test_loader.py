"""releases/loader.py: a release is read lazily, from its folder only, and the web service shows its leaflets."""

from __future__ import annotations

from scarleaflets.i18n.locales import SOURCE_LOCALE
from scarleaflets.mail import open_mailing
from scarleaflets.releases import load_release
from scarleaflets.web import create_app


def test_opening_a_release_reads_only_its_index(mail_project):
    release = load_release(mail_project)
    assert (release.release_id, release.number) == ("1", 1)
    assert release.published == {"en", "es"}
    assert "brands" not in vars(release)  # read on first use
    assert release._editions == {}
    assert release._translators == {}
    edition = release.edition("es")
    assert "content" not in vars(edition)
    assert "series" not in vars(edition)
    assert list(edition.series) == ["mini-series"]
    assert "content" not in vars(edition)  # enrolling needs the series, not the content
    assert edition.templates.templates_dir == release.path / "editions" / "1" / "templates"
    assert release.translator("es").pgettext("sample/title", "A sample topic") == "ES A sample topic"
    assert release.review("es").translated_by == "test translator"
    assert release.review(SOURCE_LOCALE).reviewed
    # The brand's logo as the release rendered it for the emails: a PNG file, read without the PDF engine.
    logo = release.logo(release.brands["mini"])
    assert logo is not None
    assert logo.startswith(b"\x89PNG\r\n\x1a\n")
    assert logo == (release.path / "logos" / "mini.png").read_bytes()


def test_the_web_service_shows_the_release_s_leaflets(mail_project, tmp_path):
    mailing = open_mailing(mail_project, f"sqlite:///{tmp_path / 'web.db'}")
    services = create_app(mailing).extensions["scarleaflets"]
    assert services.leaflets_dir is None
    path = services.leaflet_path("mini", "es", "sample")
    assert path == mail_project.root / "releases" / "1" / "leaflets" / "mini" / "es" / "sample.pdf"
    assert services.leaflet_path("mini", "fr", "sample") is None
    previews = create_app(mailing, leaflets_dir=tmp_path / "built").extensions["scarleaflets"]
    assert previews.leaflet_path("mini", "es", "sample") is None  # nothing built there


def test_a_running_sender_follows_the_current_release_between_passes(mail_project, tmp_path):
    import json
    import shutil

    import pytest

    from scarleaflets.errors import ScarleafletsError
    from scarleaflets.releases import use_release

    folder = mail_project.root / "releases"
    mailing = open_mailing(mail_project, f"sqlite:///{tmp_path / 'mail.db'}")
    assert mailing.follow_current(mail_project) is None
    for number in (2, 3):
        shutil.copytree(folder / "1", folder / str(number))
        index = folder / str(number) / "release.json"
        data = json.loads(index.read_text())
        index.chmod(0o644)
        index.write_text(json.dumps({**data, "release": number, "format": 1 if number == 2 else 99}))
    use_release(folder, 2)
    assert mailing.follow_current(mail_project) == "2"
    assert mailing.release_id == "2"
    assert mailing.follow_current(mail_project) is None
    use_release(folder, 3)  # written by another version: unreadable
    with pytest.raises(ScarleafletsError, match="another version"):
        mailing.follow_current(mail_project)
    assert mailing.release_id == "2"
