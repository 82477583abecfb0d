"""i18n/ catalogs, manifest, status, workflow, translator: init, update, compile, status, publication
threshold and the Translator, on real catalogs."""

from __future__ import annotations

import datetime as dt
import gettext
import io
import json
import shutil
import subprocess

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po
from click.testing import CliRunner
from jinja2 import Environment

from scarleaflets import i18n
from scarleaflets.cli import cli
from scarleaflets.config import open_project
from scarleaflets.errors import ContentError, ScarleafletsError
from scarleaflets.i18n import extract_project
from scarleaflets.i18n.locales import LocaleInfo, PluralRule, UnknownLocale
from scarleaflets.views import translations

from ..conftest import translate_all

NOW = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)


def test_init_writes_cldr_plural_forms_and_a_draft_manifest(catalog_project):
    path = i18n.init_locale(catalog_project, "ru", NOW, "a test")
    text = path.read_text()
    assert "Language: ru" in text
    assert f"Plural-Forms: {LocaleInfo('ru').cldr_plural.header}" in text.replace('"\n"', "")
    manifest = i18n.read_manifest(catalog_project, "ru", problems := [])
    assert problems == []
    assert manifest.status == "draft"
    assert manifest.translated_by == "a test"
    with pytest.raises(ScarleafletsError, match="exists already"):
        i18n.init_locale(catalog_project, "ru", NOW, "again")
    with pytest.raises(UnknownLocale):
        i18n.init_locale(catalog_project, "qq", NOW, "x")


def test_round_trip_keeps_translations_and_marks_changed_sources_fuzzy(catalog_project):
    i18n.init_locale(catalog_project, "fr", NOW, "a test")
    translate_all(catalog_project, "fr", "FR")
    topic = catalog_project.content_dir / "topics" / "sample.yaml"
    topic.write_text(
        topic.read_text()
        .replace("A short paragraph.", "A short paragraph, edited.")
        .replace(
            "      - figure: drawing\n",
            "      - figure: drawing\n      - paragraph: A brand new paragraph.\n",
        )
    )
    i18n.write_template(catalog_project, extract_project(catalog_project, NOW))
    i18n.update_locales(catalog_project, ["fr"])
    catalog = read_po(io.BytesIO(i18n.catalog_path(catalog_project, "fr").read_bytes()), locale="fr")
    kept = catalog.get("Introduction", context="sample/intro")
    assert kept.string == "FR Introduction"
    assert not kept.fuzzy
    changed = catalog.get("A short paragraph, edited.", context="sample/intro")
    assert changed.fuzzy
    assert changed.string == "FR A short paragraph."
    new = catalog.get("A brand new paragraph.", context="sample/intro")
    assert not i18n.is_published(new)  # untranslated, or a fuzzy guess from a similar message
    status = i18n.locale_status(catalog_project, "fr", i18n.read_template(catalog_project))
    assert status.fuzzy + status.untranslated == 2
    assert status.translated == status.total - 2
    assert status.percent < 100
    translator = i18n.Translator.load(catalog_project, "fr")
    # Fuzzy is never published: the edited paragraph falls back to English, and the fallback is counted.
    assert translator.pgettext("sample/intro", "A short paragraph, edited.") == "A short paragraph, edited."
    assert translator.pgettext("sample/intro", "Introduction") == "FR Introduction"
    assert translator.fallbacks == {("sample/intro", "A short paragraph, edited.")}


def test_compile_writes_mo_without_fuzzy_and_refuses_bad_catalogs(catalog_project):
    i18n.init_locale(catalog_project, "fr", NOW, "a test")
    i18n.init_locale(catalog_project, "de", NOW, "a test")
    translate_all(catalog_project, "fr", "FR")
    translate_all(catalog_project, "de", "DE")
    fr = i18n.catalog_path(catalog_project, "fr")
    fr.write_text(fr.read_text().replace('msgstr "FR Introduction"', 'msgstr "FR Introduction"\n#, fuzzy', 1))
    written = i18n.compile_locales(catalog_project, ["fr", "de"])
    assert len(written) == 2
    with written[0].open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    assert compiled.pgettext("sample/title", "A sample topic") == "FR A sample topic"
    de = i18n.catalog_path(catalog_project, "de")
    de.write_text(de.read_text().replace('msgstr "DE A short paragraph."', 'msgstr "DE <script>x</script>"'))
    written[1].unlink()
    with pytest.raises(ContentError, match=r"locales/de/LC_MESSAGES/messages\.po:\d+: \[sample/intro\]"):
        i18n.compile_locales(catalog_project, ["fr", "de"])
    assert not written[1].exists()


def test_fuzzy_entries_are_left_out_of_the_mo(catalog_project):
    i18n.init_locale(catalog_project, "fr", NOW, "a test")
    translate_all(catalog_project, "fr", "FR")
    path = i18n.catalog_path(catalog_project, "fr")
    catalog = read_po(io.BytesIO(path.read_bytes()), locale="fr")
    catalog.get("A sample topic", context="sample/title").flags.add("fuzzy")
    buffer = io.BytesIO()
    write_po(buffer, catalog)
    path.write_bytes(buffer.getvalue())
    (mo,) = i18n.compile_locales(catalog_project, ["fr"])
    with mo.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    assert compiled.pgettext("sample/title", "A sample topic") == "A sample topic"


def test_locales_below_the_threshold_are_withheld_unless_asked_for(catalog_project):
    i18n.init_locale(catalog_project, "fr", NOW, "a test")
    i18n.init_locale(catalog_project, "es", NOW, "a test")
    translate_all(catalog_project, "fr", "FR")
    translate_all(catalog_project, "es", "ES", skip={"Introduction"})
    template = i18n.read_template(catalog_project)
    published, withheld = i18n.select_published(catalog_project, template, ["es", "fr"])
    assert [s.locale for s in published] == ["fr"]
    assert [s.locale for s in withheld] == ["es"]
    published, withheld = i18n.select_published(
        catalog_project, template, ["es", "fr"], include_incomplete=True
    )
    assert [s.locale for s in published] == ["es", "fr"]
    (catalog_project.root / "scarleaflets.toml").write_text("[i18n]\nmin_completeness = 90\n")
    relaxed = open_project(catalog_project.root)
    published, _ = i18n.select_published(relaxed, template, ["es", "fr"])
    assert [s.locale for s in published] == ["es", "fr"]


def test_translations_cannot_inject_markup_into_templates():
    """Jinja's i18n extension marks translations safe; translations() escapes them first (in HTML only)."""
    catalog = Catalog(locale="fr")
    catalog.add("Hello %(name)s", '<img src=x onerror="alert(1)"> %(name)s')
    catalog.add("Plain", "<b>gras</b>", context="topic/section")
    translator = i18n.Translator("fr", catalog)
    env = Environment(extensions=["jinja2.ext.i18n"], autoescape=True)
    html = env.from_string(
        '{{ _("Hello %(name)s", name=who) }}|{{ pgettext("topic/section", "Plain") }}'
    ).render(translations(translator), who="<i>Ann</i>")
    assert (
        html == "&lt;img src=x onerror=&#34;alert(1)&#34;&gt; &lt;i&gt;Ann&lt;/i&gt;|&lt;b&gt;gras&lt;/b&gt;"
    )


def test_plural_translation_follows_the_catalogs_rule():
    catalog = Catalog(locale="pl")
    catalog.add(("%(num)d minute", "%(num)d minutes"), ("%(num)d minuta", "%(num)d minuty", "%(num)d minut"))
    translator = i18n.Translator("pl", catalog)
    assert [translator.ngettext("%(num)d minute", "%(num)d minutes", n) % {"num": n} for n in (1, 3, 5)] == [
        "1 minuta",
        "3 minuty",
        "5 minut",
    ]


def test_missing_catalog_is_an_error_not_a_silent_fallback(catalog_project):
    with pytest.raises(ScarleafletsError, match="no catalog for locale 'it'"):
        i18n.Translator.load(catalog_project, "it")


def test_manifest_problems_are_reported(catalog_project):
    i18n.init_locale(catalog_project, "fr", NOW, "a test")
    manifest = catalog_project.locales_dir / "fr" / "translation.toml"
    manifest.write_text('translated_by = "x"\nstatus = "reviewed"\n')
    problems = []
    assert i18n.read_manifest(catalog_project, "fr", problems).status == "draft"
    assert "needs reviewed_by" in problems[0].message
    manifest.write_text(
        'translated_by = "x"\nstatus = "reviewed"\nreviewed_by = "Medical translator"\nreviewed_on = 2027-01-02\n'
    )
    reviewed = i18n.read_manifest(catalog_project, "fr", problems := [])
    assert (reviewed.reviewed, reviewed.reviewed_on, problems) == (True, dt.date(2027, 1, 2), [])


def test_a_new_unshipped_locale_works_end_to_end_without_code_change(mini_project):
    """A translator adds Hebrew: init, translate, check, compile, status; direction and plurals from CLDR."""
    runner = CliRunner()

    def run(*args):
        result = runner.invoke(cli, ["--project", str(mini_project), *args], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result.stdout

    run("i18n", "extract")
    run("i18n", "init", "he", "--translated-by", "test translator")
    project = open_project(mini_project)
    translate_all(project, "he", "עברית")
    assert "OK: 1 catalog passed" in run("i18n", "check")
    assert "compiled locales/he/LC_MESSAGES/messages.mo" in run("i18n", "compile")
    status = json.loads(run("i18n", "status", "--json"))
    (hebrew,) = status["locales"]
    assert hebrew["locale"] == "he"
    assert hebrew["direction"] == "rtl"
    assert hebrew["percent"] == 100.0
    assert hebrew["review"]["status"] == "draft"
    translator = i18n.Translator.load(project, "he")
    assert translator.pgettext("sample/title", "A sample topic") == "עברית A sample topic"
    assert translator.info.direction == "rtl"
    assert translator.fallbacks == set()


def test_plain_text_templates_get_plain_translations():
    catalog = Catalog(locale="fr")
    catalog.add("Don't stop", "N'arrêtez pas <ici>")
    env = Environment(extensions=["jinja2.ext.i18n"], autoescape=False)  # noqa: S701 (a text template)
    gettext = translations(i18n.Translator("fr", catalog))
    assert env.from_string('{{ _("Don\'t stop") }}').render(gettext) == "N'arrêtez pas <ici>"


SPANISH_TWO = PluralRule(2, "(n != 1)")
SPANISH_CLDR_48 = PluralRule(3, "(n == 1 ? 0 : n != 0 && n % 1000000 == 0 ? 1 : 2)")


REAL_CLDR = LocaleInfo.cldr_plural.func


def _cldr_rule_for_spanish(monkeypatch, rule):
    """Babel's CLDR rule for Spanish as one Babel release or another gives it."""
    monkeypatch.setattr(
        LocaleInfo, "cldr_plural", property(lambda info: rule if info.code == "es" else REAL_CLDR(info))
    )


def test_plural_rule_cldr_migrates_a_catalog_deliberately(catalog_project, monkeypatch):
    """A catalog made under the two-form rule, then a Babel with CLDR's three forms: nothing changes until
    the maintainer asks for the migration, which re-lays the forms and marks them fuzzy."""
    _cldr_rule_for_spanish(monkeypatch, SPANISH_TWO)
    i18n.init_locale(catalog_project, "es", NOW, "a test")
    translate_all(catalog_project, "es", "ES")
    path = i18n.catalog_path(catalog_project, "es")
    assert "nplurals=2; plural=(n != 1);" in path.read_text()

    _cldr_rule_for_spanish(monkeypatch, SPANISH_CLDR_48)
    (kept,) = i18n.update_locales(catalog_project, ["es"])  # the default keeps the catalog's rule
    assert kept.plural_rule is None
    assert "nplurals=2; plural=(n != 1);" in path.read_text()
    problems, warnings = i18n.check_locales(catalog_project, ["es"])
    assert problems == []
    assert [w.path for w in warnings] == ["Plural-Forms"]

    (moved,) = i18n.update_locales(catalog_project, ["es"], plural_rule="cldr")
    assert moved.plural_rule == SPANISH_CLDR_48
    assert moved.plural_fuzzy == 1
    loaded = i18n.read_catalog(catalog_project, "es")
    assert loaded.problems == []
    assert loaded.warnings == []
    assert loaded.plural_rule == SPANISH_CLDR_48
    assert loaded.catalog is not None
    (plural,) = [m for m in loaded.catalog if m.id and m.pluralizable]
    one = other = "ES %(num)d minutes to read"  # translate_all writes the English plural in every form
    assert tuple(plural.string) == (one, other, other)  # "many" starts as the old form for a million
    assert plural.fuzzy
    assert [m for m in loaded.catalog if m.id and not m.pluralizable and m.fuzzy] == []
    status = i18n.locale_status(catalog_project, "es", i18n.read_template(catalog_project), loaded)
    assert status.fuzzy == 1
    assert status.percent < 100.0  # held back until a translator confirms the plural text
    if msgfmt := shutil.which("msgfmt"):
        subprocess.run([msgfmt, "--check", "-o", "/dev/null", str(path)], check=True)
    # A second migration finds nothing left to do.
    (again,) = i18n.update_locales(catalog_project, ["es"], plural_rule="cldr")
    assert again.plural_rule is None


def test_adopting_a_rule_starts_each_new_form_from_the_old_form_used_for_the_same_counts():
    catalog = Catalog(locale="hi")
    catalog.mime_headers = [("Plural-Forms", "nplurals=2; plural=(n != 1);")]
    catalog.add(("%(num)d minute", "%(num)d minutes"), ("one: %(num)d", "other: %(num)d"))
    catalog.add(("%(num)d day", "%(num)d days"), ("", ""))  # untranslated: stays empty, not fuzzy
    moved = i18n.adopt_plural_rule(catalog, PluralRule(2, "(n != 1)"), PluralRule(2, "(n > 1)"))
    assert moved == 1
    assert catalog.plural_forms == "nplurals=2; plural=(n > 1);"
    minute = catalog.get(("%(num)d minute", "%(num)d minutes"))
    assert tuple(minute.string) == ("one: %(num)d", "other: %(num)d")
    assert minute.fuzzy
    assert not catalog.get(("%(num)d day", "%(num)d days")).fuzzy
    spanish = Catalog(locale="es")
    spanish.mime_headers = [("Plural-Forms", SPANISH_TWO.header)]
    spanish.add(("%(num)d minute", "%(num)d minutes"), ("%(num)d minuto", "%(num)d minutos"))
    i18n.adopt_plural_rule(spanish, SPANISH_TWO, SPANISH_CLDR_48)
    forms = tuple(spanish.get(("%(num)d minute", "%(num)d minutes")).string)
    assert forms == ("%(num)d minuto", "%(num)d minutos", "%(num)d minutos")
