"""Field trials of the sign-off (issue 14, item 4), in a scratch copy of the mini project: a topic approved
with `scarleaflets approve` names its approver on its leaflet and loses the DRAFT marking; one edited English
sentence voids the approval (`check` says so, and every page says DRAFT again); a catalog approved with
`scarleaflets i18n approve` and then edited shows exactly that message in `i18n review-diff`; and the shipped
demo has no approval at all."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from scarleaflets.cli import cli
from scarleaflets.content import approvals_path, load_content
from scarleaflets.i18n import approval as signoff
from scarleaflets.leaflets.build import Selection, build

from .conftest import FIXTURE_TODAY, REPO, SHIPPED_TODAY

DRAFT = "DRAFT — not yet approved by a clinician"
TODAY = FIXTURE_TODAY.isoformat()


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def _pages(project, out, topic: str) -> list[str]:
    result = build(
        project, FIXTURE_TODAY, Selection(locales=("en",), topics=(topic,)), out_dir=out, workers=1
    )
    assert result.ok, [r.error for r in result.failed]
    reader = PdfReader(io.BytesIO((out / "mini" / "en" / f"{topic}.pdf").read_bytes()))
    return [" ".join(page.extract_text().split()) for page in reader.pages]


@pytest.mark.slow
def test_approve_then_edit_brings_the_draft_marking_back(leaflet_project, tmp_path):
    root = str(leaflet_project.root)
    approved = run(
        "--project", root, "approve", "sample", "--by", "Dr Ada Example", "--role", "Consultant dermatologist",
        "--date", "2026-05-20", "--today", TODAY,
    )  # fmt: skip
    assert approved.exit_code == 0, approved.output
    assert "approved by Dr Ada Example (Consultant dermatologist) on 2026-05-20" in approved.output
    pages = _pages(leaflet_project, tmp_path / "out", "sample")
    text = " ".join(pages)
    assert "Approved by Dr Ada Example (Consultant dermatologist) on May 20, 2026." in text
    assert "DRAFT" not in text

    topic = leaflet_project.content_dir / "topics" / "sample.yaml"
    original = topic.read_text()
    edited = original.replace("The first point.", "The first point, edited.")
    assert edited != original
    topic.write_text(edited)
    check = run("--project", root, "check", "--today", TODAY)
    assert "content/approvals.toml:5: sample: approval by Dr Ada Example on 2026-05-20 no longer matches" in (
        check.output
    )
    assert "changed since; ask for a new sign-off" in check.output
    pages = _pages(leaflet_project, tmp_path / "out", "sample")
    assert len(pages) > 1
    assert all(DRAFT in page for page in pages)
    assert "Approved by" not in " ".join(pages)


def test_a_formatting_change_keeps_the_approval(mini_project):
    run("--project", str(mini_project), "approve", "other", "--by", "A", "--role", "B", "--today", TODAY)
    topic = mini_project / "content" / "treatments" / "other.yaml"
    topic.write_text("# a comment\n" + topic.read_text())
    assert load_content(mini_project, FIXTURE_TODAY).topics["other"].approved


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--by", "Dr A\nB", "--by: must be one line of text"),
        ("--role", " ", "--role: must not be empty"),
        ("--date", "2026-06-02", "--date: 2026-06-02 is in the future"),
    ],
)
def test_bad_signer_or_date_is_refused_and_nothing_is_written(mini_project, option, value, message):
    args = {"--by": "Dr A", "--role": "Dermatologist", "--date": TODAY, option: value}
    result = run(
        "--project", str(mini_project), "approve", "sample", *(x for kv in args.items() for x in kv), "--today", TODAY
    )  # fmt: skip
    assert result.exit_code != 0
    assert message in result.output
    assert not approvals_path(mini_project / "content").exists()


def test_review_diff_lists_exactly_the_edited_message(leaflet_project):
    root = str(leaflet_project.root)
    before = run("--project", root, "i18n", "review-diff", "es")
    assert before.exit_code == 0
    assert "has no approval yet: every message is to review" in before.output
    approved = run("--project", root, "i18n", "approve", "es", "--by", "Dr B", "--role", "Medical translator")
    assert approved.exit_code == 0, approved.output
    catalog = leaflet_project.locales_dir / "es" / "LC_MESSAGES" / "messages.po"
    catalog.write_text(catalog.read_text().replace('msgstr "ES A sample topic"', 'msgstr "ES Un tema"'))
    result = run("--project", root, "i18n", "review-diff", "es")
    assert result.exit_code == 0
    assert "1 message changed since" in result.output
    changes = [
        line for line in result.output.splitlines() if line.startswith(("ADDED", "CHANGED", "REMOVED"))
    ]
    assert len(changes) == 1
    assert changes[0].startswith("CHANGED  locales/es/LC_MESSAGES/messages.po:")
    assert "[sample/title]" in changes[0]
    assert "Translation: ES Un tema" in result.output
    check = run("--project", root, "check", "--today", TODAY)
    assert "locales/es/approval.toml: approval by Dr B on" in check.output


def test_the_shipped_demo_has_no_approval(shipped_content, shipped_project):
    assert shipped_content.approvals == {}
    assert not approvals_path(REPO / "content").exists()
    assert not any(topic.approved for topic in shipped_content)
    problems: list = []
    for locale in ("de", "es", "fr", "en_GB"):
        assert signoff.read_approval(shipped_project, locale, problems) is None
    assert problems == []
    assert dt.date(2026, 1, 1) < SHIPPED_TODAY


def test_release_can_require_every_topic_approved(mini_project):
    """`release --require-approval` refuses, listing each topic without a matching sign-off, and writes
    nothing; an approved topic drops off the list."""
    refused = run("--project", str(mini_project), "release", "--require-approval")
    assert refused.exit_code == 1
    assert (
        "content/topics/sample.yaml: approval: no clinician's approval matches its English" in refused.output
    )
    assert "content/treatments/other.yaml: approval:" in refused.output
    assert not (mini_project / "releases").exists()
    run("--project", str(mini_project), "approve", "other", "--by", "A", "--role", "B", "--today", TODAY)
    again = run("--project", str(mini_project), "release", "--require-approval")
    assert again.exit_code == 1
    assert "content/topics/sample.yaml: approval:" in again.output
    assert "other.yaml" not in again.output
    assert not (mini_project / "releases").exists()


@pytest.mark.slow
def test_a_catalog_approval_shows_on_the_leaflet_until_the_catalog_changes(leaflet_project, tmp_path):
    """`i18n approve` marks translation.toml reviewed, and the Spanish leaflet says the translation was reviewed
    on the approval's day; one changed translation makes it say again that the translation awaits review."""
    root = str(leaflet_project.root)

    def spanish_note() -> str:
        out = tmp_path / "out"
        build(
            leaflet_project,
            FIXTURE_TODAY,
            Selection(locales=("es",), topics=("sample",)),
            out_dir=out,
            force=True,
        )
        text = (
            PdfReader(io.BytesIO((out / "mini" / "es" / "sample.pdf").read_bytes())).pages[-1].extract_text()
        )
        return " ".join(text.split())

    assert "ES This translation has not yet been reviewed by a medical translator." in spanish_note()
    approved = run(
        "--project",
        root,
        "i18n",
        "approve",
        "es",
        "--by",
        "Dr B",
        "--role",
        "Medical translator",
        "--date",
        TODAY,
    )
    assert approved.exit_code == 0, approved.output
    record = (leaflet_project.locales_dir / "es" / "translation.toml").read_text()
    assert 'status = "reviewed"' in record
    assert 'reviewed_by = "Medical translator"' in record
    assert f'reviewed_on = "{TODAY}"' in record
    assert 'translated_by = "test translator"' in record  # the rest of the file is kept
    assert "ES This translation was reviewed by a medical translator on" in spanish_note()

    catalog = leaflet_project.locales_dir / "es" / "LC_MESSAGES" / "messages.po"
    catalog.write_text(catalog.read_text().replace('msgstr "ES A sample topic"', 'msgstr "ES Un tema"'))
    assert "ES This translation has not yet been reviewed by a medical translator." in spanish_note()
    check = run("--project", root, "check", "--today", TODAY)
    assert "say again that the translation awaits review" in check.output
