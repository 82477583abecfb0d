"""The i18n stage: message extraction, translation catalogs, the quality gate and CLDR locale data.

It imports the content stage and the core (config, errors, output) and nothing later (leaflets, mail, web).
The modules, in the order they depend on each other: :mod:`.locales` (CLDR data and plural rules),
:mod:`.pofile` (``.po`` files byte for byte as GNU gettext writes them, with :mod:`._linebreak_tables`),
:mod:`.qa` (the quality gate), :mod:`.catalogs` (where catalogs are, and reading them through the gate),
:mod:`.manifest` (``translation.toml``), :mod:`.regional` (regional variants such as ``en_GB``, which fall back
to their base message by message), :mod:`.status` (completeness), :mod:`.workflow` (init, update, check,
compile), :mod:`.translator` (the counting Translator), :mod:`.readability` (each topic's translated prose,
for the readability measures) and :mod:`.extract` (the Babel extractor and the project's template). This
module only re-exports the names the rest of the package uses.
"""

from __future__ import annotations

from .catalogs import catalog_path as catalog_path
from .catalogs import discover_locales as discover_locales
from .catalogs import is_published as is_published
from .catalogs import read_catalog as read_catalog
from .catalogs import read_template as read_template
from .catalogs import shown as shown
from .catalogs import template_path as template_path
from .catalogs import write_template as write_template
from .extract import extract_project as extract_project
from .locales import SOURCE_LOCALE as SOURCE_LOCALE
from .manifest import MANIFEST as MANIFEST
from .manifest import Manifest as Manifest
from .manifest import read_manifest as read_manifest
from .readability import TranslatedProse as TranslatedProse
from .regional import catalog_inputs as catalog_inputs
from .regional import describe_chain as describe_chain
from .regional import fallback_locales as fallback_locales
from .regional import locale_manifest as locale_manifest
from .status import LocaleStatus as LocaleStatus
from .status import locale_status as locale_status
from .status import select_published as select_published
from .status import split_by_completeness as split_by_completeness
from .translator import Translator as Translator
from .workflow import PluralChoice as PluralChoice
from .workflow import adopt_plural_rule as adopt_plural_rule
from .workflow import check_locales as check_locales
from .workflow import compile_locales as compile_locales
from .workflow import init_locale as init_locale
from .workflow import update_locales as update_locales
