"""Releases tried as a clinic would use them (issue 12), with the real components: real leaflets (WeasyPrint),
the real command line, a real SMTP server (aiosmtpd). The mail project starts with release 1 (see
tests/conftest.py: mail_releases), made from exactly its files.

- the working tree is broken (invalid YAML, a tampered catalog, a renamed step): sending goes on from the
  release, and a new release is refused with every problem listed;
- an English edit and a new release: every language stays available, the held-back one with its reason
  printed and its older, consistent text (emails and leaflets); only the leaflets holding the sentence are
  rendered, with a new version; a translated message edited: only that language's leaflets holding it;
- a broken catalog and a broken brand file hold back only themselves;
- rollback is one command, and version numbers never name two different leaflets;
- without any release, sending says to make one, and unsubscribing still works.
"""

from __future__ import annotations

import datetime as dt
import email
import json
import re
from email import policy

import pytest
from pypdf import PdfReader

from scarleaflets.i18n.pofile import read_po, write_po

from ..cli.test_mail import enroll_args, run

ES_PO = "locales/es/LC_MESSAGES/messages.po"


@pytest.fixture
def secret(monkeypatch):
    monkeypatch.setenv("SCARLEAFLETS_SECRET", "s" * 40)


def _send(project, smtp_server, db) -> list[email.message.EmailMessage]:
    host, port, sink = smtp_server
    before = len(sink.messages)
    run(project, "send-due", "--transport", f"smtp://{host}:{port}?timeout=10", "--db", db)
    return [email.message_from_bytes(raw, policy=policy.default) for _, _, raw in sink.messages[before:]]


def _attachment(message) -> bytes:
    (part,) = [part for part in message.iter_attachments() if part.get_content_type() == "application/pdf"]
    return part.get_content()


def _text(pdf: bytes) -> str:
    import io

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _manifest(project, number: int) -> dict:
    return json.loads((project.root / "releases" / str(number) / "manifest.json").read_text())


def _leaflet(project, number: int, key: str) -> bytes:
    return (project.root / "releases" / str(number) / "leaflets" / f"{key}.pdf").read_bytes()


def _retranslate(project, msgid: str, text: str) -> None:
    path = project.root / ES_PO
    catalog = read_po(path.read_bytes(), locale="es")
    (message,) = [m for m in catalog if m.id == msgid]
    message.string = text
    path.write_bytes(write_po(catalog))


def test_release_one_is_a_complete_register(mail_project):
    manifest = _manifest(mail_project, 1)
    assert manifest["release"] == 1
    assert manifest["languages"]["es"]["served_from"] == 1
    assert "held_back" not in manifest["languages"]["es"]
    assert {"content/topics/sample.yaml", ES_PO, "templates/leaflet/leaflet.css.j2"} <= set(
        manifest["inputs"]
    )
    assert {"weasyprint", "babel", "pango", "python", "pydantic"} <= set(manifest["toolchain"])
    entry = manifest["leaflets"]["mini/es/sample"]
    assert (entry["reference"], entry["version"], entry["rendered"]) == ("SL-SAMPLE", 1, True)
    pdf = _leaflet(mail_project, 1, "mini/es/sample")
    import hashlib

    assert entry["sha256"] == hashlib.sha256(pdf).hexdigest()
    assert entry["pages"] == len(PdfReader(__import__("io").BytesIO(pdf)).pages) >= 1
    text = _text(pdf)
    assert text.count(f"SL-SAMPLE v1 · {entry['date']}") == entry["pages"]  # on every page
    assert "Preview" not in text
    assert len(manifest["leaflets"]) == 6  # 1 brand x 2 languages x (2 topics + the complete guide)


@pytest.mark.slow
def test_sending_goes_on_from_the_release_whatever_happens_to_the_working_tree(
    mail_project, smtp_server, tmp_path, secret
):
    db = f"sqlite:///{tmp_path / 'mail.db'}"
    run(mail_project, *enroll_args("ann@example.org", "en"), "--db", db)
    run(mail_project, *enroll_args("bea@example.org", "es"), "--db", db)
    root = mail_project.root
    topic = root / "content" / "topics" / "sample.yaml"
    topic.write_text(topic.read_text() + "sections: [oops\n")  # invalid YAML
    catalog = root / ES_PO
    catalog.write_text(
        catalog.read_text().replace('msgstr "ES ', 'msgstr "<b>ES ', 3) + '\nmsgid "x\n'
    )  # tampered
    series = root / "content" / "series" / "mini-series.yaml"
    series.write_text(series.read_text().replace("id: first", "id: premier"))  # a renamed step
    messages = _send(mail_project, smtp_server, db)
    assert sorted(m["To"] for m in messages) == ["ann@example.org", "bea@example.org"]
    for message in messages:
        assert message["X-Scarleaflets-Release"] == "1"
    spanish = next(m for m in messages if m["To"] == "bea@example.org")
    assert spanish["Subject"] == "ES The first email"
    assert _attachment(spanish) == _leaflet(mail_project, 1, "mini/es/sample")
    refused = run(mail_project, "release", "--jobs", "1", ok=False)
    assert refused.exit_code == 1
    assert "content/topics/sample.yaml" in refused.stderr
    assert (root / "releases" / "CURRENT").read_text() == "1\n"
    assert not (root / "releases" / "2").exists()


@pytest.mark.slow
def test_edits_and_new_releases_keep_every_language_and_render_only_what_changed(
    mail_project, smtp_server, tmp_path, secret
):
    # A translated message edited: only the Spanish leaflets that hold it are rendered.
    _retranslate(mail_project, "A short paragraph.", "Un párrafo corto.")
    second = run(mail_project, "release", "--jobs", "1")
    assert "release 2 is current" in second.stdout
    rendered = {k for k, e in _manifest(mail_project, 2)["leaflets"].items() if e["rendered"]}
    assert rendered == {"mini/es/sample", "mini/es/complete-guide"}
    # An English sentence edited: Spanish falls below 100% and is held back, with its reason printed; only the
    # English leaflets holding the sentence are rendered, each with a new version.
    topic = mail_project.root / "content" / "topics" / "sample.yaml"
    topic.write_text(topic.read_text().replace("A short paragraph.", "A short paragraph, now longer."))
    third = run(mail_project, "release", "--jobs", "1")
    assert re.search(
        r"held back: es: \d+(\.\d)?% translated < 100% \(still served from release 2\)", third.stderr
    )
    manifest = _manifest(mail_project, 3)
    leaflets = manifest["leaflets"]
    assert {k for k, e in leaflets.items() if e["rendered"]} == {"mini/en/sample", "mini/en/complete-guide"}
    assert {k: e["version"] for k, e in leaflets.items()} == {
        "mini/en/sample": 2,
        "mini/en/complete-guide": 2,
        "mini/en/other": 1,
        "mini/es/sample": 2,
        "mini/es/complete-guide": 2,
        "mini/es/other": 1,
    }
    assert manifest["languages"]["es"]["served_from"] == 2
    assert "now longer" in _text(_leaflet(mail_project, 3, "mini/en/sample"))
    assert "SL-SAMPLE v2 · " in _text(_leaflet(mail_project, 3, "mini/en/sample"))
    assert _leaflet(mail_project, 3, "mini/es/sample") == _leaflet(mail_project, 2, "mini/es/sample")
    # A Spanish patient can still be enrolled, and is sent release 2's consistent Spanish text.
    db = f"sqlite:///{tmp_path / 'mail.db'}"
    run(mail_project, *enroll_args("bea@example.org", "es"), "--db", db)
    (message,) = _send(mail_project, smtp_server, db)
    assert message["X-Scarleaflets-Release"] == "3"
    assert message["Subject"] == "ES The first email"
    assert _attachment(message) == _leaflet(mail_project, 2, "mini/es/sample")
    assert "Un párrafo corto." in _text(_attachment(message))
    listing = run(mail_project, "releases").stdout.splitlines()
    assert listing[-1].startswith("*   3 ")
    assert "held back: es from 2" in listing[-1]


def test_a_broken_catalog_and_a_broken_brand_hold_back_only_themselves(mail_project):
    root = mail_project.root
    catalog = root / ES_PO
    catalog.write_text(catalog.read_text().replace("%(page)s", "%(pgae)s", 1))  # a broken placeholder
    brand = root / "content" / "brands" / "mini.yaml"
    brand.write_text(brand.read_text().replace('primary: "#23395d"', 'primary: "navy"'))
    result = run(mail_project, "release", "--jobs", "1")
    assert (
        "held back: es: fails the translation quality gate: locales/es/LC_MESSAGES/messages.po:"
        in result.stderr
    )
    assert "(still served from release 1)" in result.stderr
    assert "held back: brand mini: content/brands/mini.yaml:" in result.stderr
    assert "(release 1's version kept)" in result.stderr
    manifest = _manifest(mail_project, 2)
    assert manifest["brands"]["mini"]["served_from"] == 1
    assert {e["rendered"] for e in manifest["leaflets"].values()} == {False}
    assert _leaflet(mail_project, 2, "mini/es/sample") == _leaflet(mail_project, 1, "mini/es/sample")


@pytest.mark.slow
def test_rollback_is_one_command_and_versions_never_repeat(mail_project, smtp_server, tmp_path, secret):
    topic = mail_project.root / "content" / "topics" / "other.yaml"
    topic = topic if topic.exists() else mail_project.root / "content" / "treatments" / "other.yaml"
    original = topic.read_text()
    title = re.search(r"^title: (.+)$", original, re.MULTILINE).group(1)
    topic.write_text(original.replace(f"title: {title}", f"title: {title} (draft A)"))
    run(mail_project, "release", "--jobs", "1")
    assert _manifest(mail_project, 2)["leaflets"]["mini/en/other"]["version"] == 2
    back = run(mail_project, "release", "--use", "1")
    assert back.stdout == "release 1 is current\n"
    db = f"sqlite:///{tmp_path / 'mail.db'}"
    run(mail_project, *enroll_args("cy@example.org", "en"), "--db", db)
    (message,) = _send(mail_project, smtp_server, db)
    assert message["X-Scarleaflets-Release"] == "1"
    topic.write_text(original.replace(f"title: {title}", f"title: {title} (draft B)"))
    run(mail_project, "release", "--jobs", "1")
    # Release 3 was made from release 1 (the current one), but its new leaflet is v3: v2 is draft A's.
    assert _manifest(mail_project, 3)["leaflets"]["mini/en/other"]["version"] == 3
    assert "releases use" in run(mail_project, "releases", "--help").stdout
    run(mail_project, "releases", "use", "2")
    assert (mail_project.root / "releases" / "CURRENT").read_text() == "2\n"


def test_without_a_release_sending_says_what_to_do_and_unsubscribing_still_works(
    mail_project, tmp_path, secret
):
    import shutil

    shutil.rmtree(mail_project.root / "releases")
    db = f"sqlite:///{tmp_path / 'mail.db'}"
    for args in (["send-due", "--transport", f"maildir://{tmp_path / 'box'}"], enroll_args("d@example.org")):
        result = run(mail_project, *args, "--db", db, ok=False)
        assert result.exit_code == 1
        assert "no release in releases/ yet" in result.stderr
        assert "Run `scarleaflets release`" in result.stderr
    out = run(mail_project, "unsubscribe", "d@example.org", "--brand", "mini", "--db", db).stdout
    assert "unsubscribed from clinic mini" in out


def test_the_release_alone_is_enough_to_send_and_preview(mail_project, tmp_path):
    """Everything the sender needs is in the release folder: with content/, locales/ and templates/ gone, the
    mail service still composes every step in every language, with the release's own leaflets attached."""
    import shutil

    from scarleaflets.config import open_project
    from scarleaflets.mail import open_mailing

    for name in ("locales", "templates"):
        shutil.rmtree(mail_project.root / name)
    shutil.rmtree(mail_project.root / "content")
    (mail_project.root / "content").mkdir()
    mailing = open_mailing(open_project(mail_project.root), f"sqlite:///{tmp_path / 'm.db'}")
    assert mailing.release_id == "1"
    now = dt.datetime(2026, 6, 2, 10, tzinfo=dt.UTC)
    for locale in ("en", "es"):
        raw = mailing.preview_email("mini", locale, "mini-series", "first", now)
        message = email.message_from_bytes(raw, policy=policy.default)
        assert message["X-Scarleaflets-Release"] == "1"
        assert _attachment(message) == _leaflet(mail_project, 1, f"mini/{locale}/sample")
