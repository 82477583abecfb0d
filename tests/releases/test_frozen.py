"""releases/frozen.py: the model survives JSON, and a release's compiled catalog serves what the .po publishes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest

from scarleaflets import i18n
from scarleaflets.brands import load_brands
from scarleaflets.config import open_project
from scarleaflets.content import load_content
from scarleaflets.content.series import load_series
from scarleaflets.errors import ScarleafletsError
from scarleaflets.i18n.translator import Translator, mo_bytes
from scarleaflets.releases import frozen

from ..conftest import REPO

PROJECT = open_project(REPO)


def test_the_shipped_content_series_and_brands_survive_json_unchanged():
    content = load_content(REPO, dt.date.today())
    series = load_series(REPO, content)
    brands = load_brands(REPO, i18n.discover_locales(PROJECT))
    assert frozen.load_content(frozen.dump_content(content)) == content
    assert frozen.load_series(frozen.dump_series(series)) == series
    assert frozen.load_brands(frozen.dump_brands(brands)) == brands
    # Every kind of block keeps its kind (a callout is not read back as a paragraph).
    kinds = {
        type(block).__name__ for topic in content for section in topic.sections for block in section.blocks
    }
    back = frozen.load_content(frozen.dump_content(content))
    assert kinds == {type(b).__name__ for t in back for s in t.sections for b in s.blocks}
    assert {"Paragraph", "Callout", "BulletList"} <= kinds


@dataclass(frozen=True)
class Loose:
    value: Any  # a tuple in here comes back from JSON as a list


def test_a_value_json_cannot_carry_is_refused_when_written():
    with pytest.raises(ScarleafletsError, match="Loose model does not survive JSON"):
        frozen.dump(Loose, Loose((1, 2)))


@pytest.mark.parametrize("locale", ["fr", "ar", "ru", "en_GB"])
def test_a_compiled_catalog_translates_exactly_as_its_po_file(locale):
    loaded = i18n.read_catalog(PROJECT, locale)
    assert loaded.catalog is not None
    from_po = Translator(locale, loaded.catalog)
    from_mo = Translator.from_mo(locale, mo_bytes(loaded.catalog))
    assert from_mo._layers[0].strings == from_po._layers[0].strings
    assert [from_mo.plural_rule.index(n) for n in range(200)] == [
        from_po.plural_rule.index(n) for n in range(200)
    ]


def test_the_shipped_british_english_falls_back_to_the_english_source_from_its_compiled_catalog():
    loaded = i18n.read_catalog(PROJECT, "en_GB")
    assert loaded.catalog is not None
    back = Translator.from_mo("en_GB", mo_bytes(loaded.catalog))
    assert back.pgettext("series/acne-education/welcome", "Welcome") == "Welcome"  # not in en_GB: the source
    assert not back.fallbacks  # by design for a variant of English, never counted
    colour = next(m for m in loaded.catalog if m.id and m.string and "color" in str(m.id))
    assert back.pgettext(colour.context, str(colour.id)) == colour.string


def test_a_regional_variant_s_compiled_catalog_carries_its_base_s_text():
    from babel.messages.catalog import Catalog

    base = Catalog(locale="es")
    base.add("Done", "Hecho")
    base.add("Car", "Coche")
    variant = Catalog(locale="es_MX")
    variant.add("Car", "Carro")
    variant.add("Done", "")  # not overridden: the base's text
    compiled = Translator.from_mo("es_MX", mo_bytes(variant, [base]))
    layered = Translator("es_MX", variant, [base])
    assert [compiled.gettext(m) for m in ("Car", "Done", "Other")] == ["Carro", "Hecho", "Other"]
    assert [layered.gettext(m) for m in ("Car", "Done", "Other")] == ["Carro", "Hecho", "Other"]
    assert compiled.raw("Done", None) == layered.raw("Done", None) == "Hecho"


def test_fuzzy_and_partly_translated_plurals_are_not_compiled(catalog_project):
    from babel.messages.catalog import Catalog

    catalog = Catalog(locale="fr")
    catalog.add("Done", "Fait")
    catalog.add("Guess", "Deviné", flags=["fuzzy"])
    catalog.add(("One day", "%(num)d days"), ("Un jour", ""))
    back = Translator.from_mo("fr", mo_bytes(catalog))
    assert back.gettext("Done") == "Fait"
    assert back.raw("Guess", None) is None
    assert back.raw("One day", None) is None
