"""i18n/regional.py: regional variants (en_GB, es_MX) fall back to their base message by message, count as
complete when variant and base together cover everything, stay valid through `update`, and need no code."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import shutil
import subprocess

import pytest
from click.testing import CliRunner

from scarleaflets import i18n
from scarleaflets.cli import cli
from scarleaflets.config import open_project
from scarleaflets.errors import ContentError
from scarleaflets.i18n import extract_project
from scarleaflets.i18n.locales import LocaleInfo, parent_locales
from scarleaflets.i18n.pofile import read_po, write_po
from scarleaflets.release import catalog_digest

from ..conftest import REPO, translate_all

NOW = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)
TITLE = ("A sample topic", "sample/title")  # (msgid, context) of a message of the mini project
PARAGRAPH = ("A short paragraph.", "sample/intro")

VARIANT_HEADER = """\
msgid ""
msgstr ""
"Project-Id-Version: scarleaflets tests\\n"
"PO-Revision-Date: 2026-06-01 12:00+0000\\n"
"Last-Translator: a test <translations@example.org>\\n"
"Language-Team: a test <translations@example.org>\\n"
"Language: {locale}\\n"
"MIME-Version: 1.0\\n"
"Content-Type: text/plain; charset=utf-8\\n"
"Content-Transfer-Encoding: 8bit\\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"
"""


def write_sparse_variant(project, locale: str, entries: dict[tuple[str, str | None], str]) -> None:
    """A variant catalog as a translator could write it by hand: a header and only the messages that differ."""
    path = i18n.catalog_path(project, locale)
    path.parent.mkdir(parents=True)
    text = VARIANT_HEADER.format(locale=locale)
    for (msgid, context), msgstr in entries.items():
        ctxt = f'msgctxt "{context}"\n' if context else ""
        text += f'\n{ctxt}msgid "{msgid}"\nmsgstr "{msgstr}"\n'
    path.write_text(text, encoding="utf-8")


@pytest.fixture
def spanish(catalog_project):
    """The mini project with a complete Spanish catalog ("ES …" texts)."""
    i18n.init_locale(catalog_project, "es", NOW, "a test")
    translate_all(catalog_project, "es", "ES")
    return catalog_project


def test_cldr_parents_give_the_fallback_order_and_never_cross_scripts():
    assert parent_locales("en_GB") == ["en_001", "en"]
    assert parent_locales("es_MX") == ["es_419", "es"]
    assert parent_locales("pt_PT") == ["pt"]
    assert parent_locales("nb") == ["no"]
    assert parent_locales("fr") == []
    assert parent_locales("zh_Hant") == []  # not Simplified Chinese
    assert parent_locales("sr_Latn") == []  # not Cyrillic Serbian
    assert LocaleInfo("zh_Hant_HK").script == "Hant"


def test_a_variant_with_one_override_shows_it_and_its_base_for_everything_else(spanish):
    write_sparse_variant(spanish, "es_MX", {TITLE: "MX Un tema de muestra"})
    assert i18n.fallback_locales(spanish, "es_MX") == ("es",)
    translator = i18n.Translator.load(spanish, "es_MX")
    assert translator.pgettext(TITLE[1], TITLE[0]) == "MX Un tema de muestra"
    assert translator.pgettext(PARAGRAPH[1], PARAGRAPH[0]) == f"ES {PARAGRAPH[0]}"
    one, many = "%(num)d minute to read", "%(num)d minutes to read"
    assert translator.ngettext(one, many, 3) == f"ES {many}"  # plural texts too, with the base's own rule
    assert translator.info.language_tag == "es-MX"
    assert translator.fallbacks == set()  # nothing reached English


def test_a_message_missing_from_variant_and_base_falls_back_to_english_and_is_counted(spanish):
    catalog = read_po(i18n.catalog_path(spanish, "es").read_bytes(), locale="es")
    catalog.get(PARAGRAPH[0], context=PARAGRAPH[1]).string = ""
    i18n.catalog_path(spanish, "es").write_bytes(write_po(catalog))
    write_sparse_variant(spanish, "es_MX", {TITLE: "MX Un tema de muestra"})
    translator = i18n.Translator.load(spanish, "es_MX")
    assert translator.pgettext(PARAGRAPH[1], PARAGRAPH[0]) == PARAGRAPH[0]
    assert translator.fallbacks == {(PARAGRAPH[1], PARAGRAPH[0])}
    status = i18n.locale_status(spanish, "es_MX", i18n.read_template(spanish))
    assert (status.untranslated, status.overrides) == (1, 1)
    assert status.percent < 100  # the base's gap is the variant's gap: withheld below min_completeness


def test_a_variant_of_english_falls_back_to_the_source_and_is_complete(catalog_project):
    write_sparse_variant(catalog_project, "en_GB", {PARAGRAPH: "A short paragraph, in colour."})
    translator = i18n.Translator.load(catalog_project, "en_GB")
    assert translator.pgettext(PARAGRAPH[1], PARAGRAPH[0]) == "A short paragraph, in colour."
    assert translator.pgettext(TITLE[1], TITLE[0]) == TITLE[0]
    assert translator.fallbacks == set()  # English is en_GB's base, not a missing translation
    assert translator.info.date(dt.date(2026, 11, 5)) == "5 November 2026"  # day, month, year (CLDR)
    assert LocaleInfo("en").date(dt.date(2026, 11, 5)) == "November 5, 2026"
    status = i18n.locale_status(catalog_project, "en_GB", i18n.read_template(catalog_project))
    assert (status.percent, status.overrides, status.fallback) == (100.0, 1, ("en",))
    published, withheld = i18n.split_by_completeness([status], 100)
    assert [s.locale for s in published] == ["en_GB"]
    assert withheld == []


def test_gating_counts_variant_and_base_together(spanish):
    write_sparse_variant(spanish, "es_MX", {TITLE: "MX Un tema de muestra"})
    template = i18n.read_template(spanish)
    status = i18n.locale_status(spanish, "es_MX", template)
    assert (status.translated, status.untranslated, status.percent) == (status.total, 0, 100.0)
    assert (status.overrides, status.fuzzy_overrides, status.fallback) == (1, 0, ("es",))
    assert status.as_dict()["fallback"] == ["es"]
    # Without a base catalog, pt_PT is a whole language of its own: one message of many is not complete.
    write_sparse_variant(spanish, "pt_PT", {TITLE: "PT Um tema"})
    alone = i18n.locale_status(spanish, "pt_PT", template)
    assert (alone.fallback, alone.translated) == ((), 1)
    published, withheld = i18n.split_by_completeness([status, alone], 100)
    assert ([s.locale for s in published], [s.locale for s in withheld]) == (["es_MX"], ["pt_PT"])


def test_a_variant_is_reviewed_only_when_its_base_is(spanish):
    write_sparse_variant(spanish, "es_MX", {TITLE: "MX Un tema de muestra"})
    reviewed = 'translated_by = "x"\nstatus = "reviewed"\nreviewed_by = "Medical translator"\nreviewed_on = 2027-01-05\n'
    (spanish.locales_dir / "es_MX" / i18n.MANIFEST).write_text(reviewed)
    assert i18n.read_manifest(spanish, "es_MX", []).reviewed
    assert not i18n.locale_manifest(spanish, "es_MX", []).reviewed  # es is still a draft
    (spanish.locales_dir / "es" / i18n.MANIFEST).write_text(reviewed)
    assert i18n.locale_manifest(spanish, "es_MX", []).reviewed


def test_a_change_to_the_base_catalog_changes_the_variant_leaflets_inputs(spanish):
    write_sparse_variant(spanish, "es_MX", {TITLE: "MX Un tema de muestra"})
    before = catalog_digest(spanish, "es_MX")
    translate_all(spanish, "es", "ES2")
    assert catalog_digest(spanish, "es_MX") != before


def test_a_base_that_fails_the_gate_stops_its_variant(spanish):
    write_sparse_variant(spanish, "es_MX", {TITLE: "MX Un tema de muestra"})
    path = i18n.catalog_path(spanish, "es")
    path.write_text(path.read_text().replace(f'msgstr "ES {PARAGRAPH[0]}"', 'msgstr "ES %(oops)s"'))
    with pytest.raises(ContentError, match=r"locales/es/LC_MESSAGES/messages\.po"):
        i18n.Translator.load(spanish, "es_MX")


def test_update_keeps_a_variant_valid_and_its_overrides(spanish, tmp_path):
    """`update` writes the variant the way msgmerge would: every msgid, empty where it falls back."""
    write_sparse_variant(spanish, "es_MX", {TITLE: "MX Un tema de muestra", PARAGRAPH: "MX Un párrafo."})
    _msgfmt_check(i18n.catalog_path(spanish, "es_MX"), tmp_path)  # a sparse catalog is valid gettext too
    i18n.update_locales(spanish, ["es_MX"])
    catalog = read_po(i18n.catalog_path(spanish, "es_MX").read_bytes(), locale="es_MX")
    template = i18n.read_template(spanish)
    assert len([m for m in catalog if m.id]) == len([m for m in template if m.id])
    assert [m.string for m in catalog if m.id and _has_text(m)] == ["MX Un tema de muestra", "MX Un párrafo."]
    assert _problems_and_warnings(spanish, "es_MX") == ([], [])
    _msgfmt_check(i18n.catalog_path(spanish, "es_MX"), tmp_path)
    # The English of an override changes: the override becomes fuzzy, shows the base meanwhile, and is flagged.
    topic = spanish.content_dir / "topics" / "sample.yaml"
    topic.write_text(topic.read_text().replace(PARAGRAPH[0], "A short paragraph, edited."))
    i18n.write_template(spanish, extract_project(spanish, NOW))
    i18n.update_locales(spanish, ["es", "es_MX"])
    translate_all(spanish, "es", "ES")
    status = i18n.locale_status(spanish, "es_MX", i18n.read_template(spanish))
    assert (status.percent, status.fuzzy_overrides) == (100.0, 1)
    translator = i18n.Translator.load(spanish, "es_MX")
    assert translator.pgettext(PARAGRAPH[1], "A short paragraph, edited.") == "ES A short paragraph, edited."
    _, warnings = _problems_and_warnings(spanish, "es_MX")
    assert [w.message for w in warnings] == [
        "1 fuzzy text of this regional variant falls back to es until a translator reviews it and removes the "
        "fuzzy flag"
    ]
    _msgfmt_check(i18n.catalog_path(spanish, "es_MX"), tmp_path)


def test_init_and_status_say_what_a_variant_is(spanish):
    runner = CliRunner()
    started = runner.invoke(cli, ["--project", str(spanish.root), "i18n", "init", "es_MX"])
    assert started.exit_code == 0, started.output
    assert "es_MX is a regional variant" in started.output
    assert "falls back to es" in started.output
    shown = runner.invoke(cli, ["--project", str(spanish.root), "i18n", "status"])
    assert "regional variant: overrides 0 messages; the rest from es" in shown.output
    data = json.loads(runner.invoke(cli, ["--project", str(spanish.root), "i18n", "status", "--json"]).output)
    by_locale = {entry["locale"]: entry for entry in data["locales"]}
    assert by_locale["es_MX"]["percent"] == 100.0
    assert by_locale["es"]["fallback"] == []


def _has_text(message) -> bool:
    return any(message.string) if isinstance(message.string, tuple | list) else bool(message.string)


def _problems_and_warnings(project, locale):
    """The gate's verdict, less the warning that Babel 2.19's CLDR gives Spanish a third plural form."""
    problems, warnings = i18n.check_locales(project, [locale])
    return problems, [w for w in warnings if w.path != "Plural-Forms"]


def _msgfmt_check(path, tmp_path) -> None:
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.skip("GNU gettext's msgfmt is not installed (.ci/run installs it)")
    completed = subprocess.run(
        [msgfmt, "--check", "-o", str(tmp_path / "out.mo"), str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (completed.returncode, completed.stderr) == (0, "")


# The shipped British English catalog (test_shipped_catalogs.py also runs msgfmt --check and msgcat on it) ----

SHIPPED = open_project(REPO)


def test_en_gb_is_a_draft_variant_that_holds_only_what_differs():
    catalog = read_po(i18n.catalog_path(SHIPPED, "en_GB").read_bytes(), locale="en_GB")
    overrides = [m for m in catalog if m.id and _has_text(m)]
    assert len(overrides) >= 50
    assert all(m.string != m.id for m in overrides)  # nothing copied over unchanged
    assert not [m.id for m in catalog if m.id and m.fuzzy]
    texts = " ".join(str(m.string) for m in overrides)
    for american in ("color", "anesthetic", "shot", "emergency department", "family doctor", "Health plans"):
        assert american not in texts
    for british in ("colour", "anaesthetic", "injections", "A&E", "GP", "NHS"):
        assert british in texts
    manifest = i18n.read_manifest(SHIPPED, "en_GB", problems := [])
    assert problems == []
    assert (manifest.status, "AI language model" in manifest.translated_by) == ("draft", True)
    assert "DRAFT by an AI language model" in catalog.header_comment
    status = i18n.locale_status(SHIPPED, "en_GB", i18n.read_template(SHIPPED))
    assert (status.percent, status.overrides, status.fallback) == (100.0, len(overrides), ("en",))


def test_riverside_is_a_uk_clinic_in_british_english():
    from scarleaflets.brands import load_brands

    riverside = load_brands(REPO, i18n.discover_locales(SHIPPED))["riverside"]
    assert riverside.default_locale == "en_GB"
    assert "en" not in riverside.locales  # no US-spelling English for the UK clinic


def test_riverside_welcome_email_is_in_british_english():
    import email
    from email import policy

    from scarleaflets.mail import Mailing
    from scarleaflets.mail.compose import Attachment
    from scarleaflets.mail.enrollment_requests import Enrollment
    from scarleaflets.mail.store import Store

    mailing = Mailing(SHIPPED, Store.open("sqlite://"), b"k" * 32, dt.date(2026, 12, 1))
    edition = mailing.edition("en_GB")
    series = edition.series["acne-education"]
    data = mailing.composer(edition).compose(
        brand=mailing.brands["riverside"],
        series=series,
        step=series.step("welcome"),
        recipient=Enrollment(
            "p@example.org",
            "Pat",
            "en_GB",
            "riverside",
            "acne-education",
            "Europe/London",
            dt.date(2026, 12, 1),
            dt.datetime(2026, 12, 1, tzinfo=dt.UTC),
            "form",
        ),
        translator=mailing.translator("en_GB"),
        manifest=mailing.manifests["en_GB"],
        message_id="<x@example.org>",
        unsubscribe_url="https://u.example.org/u/t",
        now=dt.datetime(2026, 12, 1, tzinfo=dt.UTC),
        attachments=lambda topic: Attachment(f"{topic}.pdf", b"%PDF-1.7"),
    )
    mailing.store.close()
    message = email.message_from_bytes(data, policy=policy.default)
    assert message["Content-Language"] == "en-GB"
    assert "color" not in message.get_body(("plain",)).get_content()  # (the HTML part's CSS says color:)
    for part in ("plain", "html"):
        body = " ".join(message.get_body((part,)).get_content().split())  # the text part is wrapped
        assert "different colour after a spot heals" in body
        assert "call us on" in body
        assert "This British English version has not yet been reviewed by a medical editor." in body


def test_a_regional_variant_added_to_a_copy_of_the_project_needs_no_code(tmp_path):
    """Adding es_MX is adding one .po file (and naming it in a brand): check, status, and the text shown."""
    root = tmp_path / "project"
    root.mkdir()
    for name in ("content", "locales", "templates"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "scarleaflets.toml", root)
    (root / "fonts").symlink_to(REPO / "fonts", target_is_directory=True)
    project = open_project(root)
    title = ("Marks and scars", "marks-vs-scars/title")
    write_sparse_variant(project, "es_MX", {title: "Manchas y cicatrices (México)"})
    brand = root / "content" / "brands" / "harbor.yaml"
    brand.write_text(brand.read_text().replace("locales: [en, es,", "locales: [en, es, es_MX,"))
    runner = CliRunner()
    checked = runner.invoke(cli, ["--project", str(root), "i18n", "check", "es_MX"])
    assert checked.exit_code == 0, checked.output
    data = json.loads(runner.invoke(cli, ["--project", str(root), "i18n", "status", "--json"]).output)
    mexican = {entry["locale"]: entry for entry in data["locales"]}["es_MX"]
    assert (mexican["percent"], mexican["overrides"], mexican["fallback"]) == (100.0, 1, ["es"])
    translator = i18n.Translator.load(project, "es_MX")
    spanish = i18n.Translator.load(project, "es")
    assert translator.pgettext(title[1], title[0]) == "Manchas y cicatrices (México)"
    assert translator.gettext("Key points") == spanish.gettext("Key points") != "Key points"
    from scarleaflets.brands import load_brands

    assert "es_MX" in load_brands(root, i18n.discover_locales(project))["harbor"].locales


def test_status_of_a_frozen_record_reads_back_from_json():
    status = i18n.LocaleStatus("x", "x", "x", "ltr", 1, 1, 0, 0, 0, i18n.Manifest("x", "draft"), ["en"], 1, 0)
    assert status.fallback == ("en",)
    assert dataclasses.replace(status, overrides=2).variant
