"""What the mail service and the web service take their content from: a release (:mod:`.loader`), or — for
previews and tests only — the working tree (:mod:`.working_tree`). Both answer the same questions, so the
services never know which one they were given, except through :attr:`ContentSource.release_id`, which every
delivery records.

An :class:`Edition` is one release's own text: its content model, its email series and its templates. A
language held back from a release is served with the edition of the last release in which it was complete,
so its patients get older text that is consistent in itself, never a mix of new English and old
translations.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from pathlib import Path
from typing import Protocol

from ..brands import Brand
from ..config import Project
from ..content import ContentSet
from ..content.series import Series
from ..i18n import Manifest, Translator
from ..i18n.locales import SOURCE_LOCALE

GUIDE = "complete-guide"  # the document name of the complete guide, beside the topics' ids
# A document's large-print edition is the file beside it: riverside/en_GB/aftercare-large-print.pdf (the name
# `build --large-print` writes too, leaflets.build.LARGE_PRINT_SUFFIX; this stage does not import the PDF engine).
LARGE_PRINT_SUFFIX = "-large-print"


class Edition:
    """One release's own text: content model, series and templates (``templates.templates_dir``). The content
    and the series are each read on first use (enrolling a patient needs only the series)."""

    def __init__(
        self,
        id: str,  # the release it was made in: "7", or "working-tree" for the working tree
        content: ContentSet | Callable[[], ContentSet],
        series: dict[str, Series] | Callable[[], dict[str, Series]],
        templates: Project,
    ) -> None:
        self.id = id
        self.templates = templates
        self._content = content
        self._series = series

    @cached_property
    def content(self) -> ContentSet:
        return self._content if isinstance(self._content, ContentSet) else self._content()

    @cached_property
    def series(self) -> dict[str, Series]:
        return self._series if isinstance(self._series, dict) else self._series()


class ContentSource(Protocol):
    """Everything the email series and the web pages need, loaded lazily: an idle send pass reads nothing."""

    @property
    def release_id(self) -> str:
        """ "7" for release 7; "working-tree" for content read from the working tree (a preview)."""

    @property
    def brands(self) -> dict[str, Brand]: ...

    @property
    def published(self) -> frozenset[str]:
        """The languages patients can be sent (the source language included)."""

    def unpublished_reason(self, locale: str) -> str:
        """Why a language is not in :attr:`published` ("" when it is): shown to whoever enrolls a patient."""

    def edition(self, locale: str = SOURCE_LOCALE) -> Edition:
        """The text a language is served with (the current edition, or an older one for a held-back language)."""

    def translator(self, locale: str) -> Translator: ...

    def review(self, locale: str) -> Manifest:
        """The language's translation record (who translated it, whether a medical translator reviewed it)."""

    def leaflet(self, brand: Brand, locale: str, document: str) -> bytes:
        """A leaflet's PDF; raises ScarleafletsError when there is none for this brand and language."""

    def leaflet_file(self, brand_id: str, locale: str, document: str) -> Path | None:
        """Where a released leaflet is stored, or None (none released; always None for the working tree)."""

    def logo(self, brand: Brand) -> bytes | None:
        """The brand's logo as a PNG for email (None: a release made before releases stored logos)."""
