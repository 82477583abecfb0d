"""Leaflet HTML: the translated views of a topic or of the complete guide -> one HTML document for the PDF.

The leaflet renders the shared view model (:mod:`scarleaflets.views`) through the shared Jinja environment of
its brand, to which it adds the two filters of its print stylesheet (:func:`~.css.css_string` and
:func:`page_counter_css`). What is its own is the page around the views: the print stylesheet (fonts, paper,
running headers and footers in the locale's direction, and on every page either a released leaflet's document
control or a preview's warning, :func:`page_marking`), the document's metadata and its date. Equal inputs
give equal HTML, and so equal PDF bytes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from jinja2 import Environment
from markupsafe import Markup

from ..brands import Brand
from ..brands.contrast import tint
from ..brands.model import (
    LARGE_PRINT_BODY_PT,
    LARGE_PRINT_NOTE_PT,
    MARGIN_TEXT_MAX_PT,
    MIN_BODY_PT,
    MIN_NOTE_PT,
)
from ..config import Project
from ..content import ContentSet, Topic
from ..i18n import Manifest, Translator
from ..views import (
    BrandView,
    LocaleView,
    brand_view,
    guide_view,
    locale_view,
    make_environment,
    topic_view,
    translation_note,
    translations,
)
from ..views.links import tel_uri
from .audit import Margins
from .css import css_string
from .fonts import FontSet

# Type sizes for patients, in points: the body and the smallest note (sources, review lines, the translation
# note, disclaimer, legal text, captions, table text, running headers and footers) by default, in large print,
# and the floor a brand's own sizes (its `type`, brands/schema.py) may not go under. The large-print sizes
# (LARGE_PRINT_BODY_PT, LARGE_PRINT_NOTE_PT, MARGIN_TEXT_MAX_PT) are in brands/model.py, which the audit reads.
BODY_PT = MIN_BODY_PT
NOTE_PT = MIN_NOTE_PT


@dataclass(frozen=True)
class TypeScale:
    """Every type size of the print stylesheet, from the body size and the note size (points, rounded to a
    tenth): headings grow with the body, and no text is smaller than ``note``."""

    body: float = BODY_PT
    note: float = NOTE_PT

    @classmethod
    def of(cls, brand: Brand, *, large_print: bool = False) -> TypeScale:
        """The brand's sizes, or large print: at least 16 pt body and 14 pt notes (larger if the brand is)."""
        if large_print:
            return cls(max(brand.body_pt, LARGE_PRINT_BODY_PT), max(brand.note_pt, LARGE_PRINT_NOTE_PT))
        return cls(brand.body_pt, brand.note_pt)

    def _times(self, factor: float) -> float:
        return round(self.body * factor, 1)

    @property
    def h1(self) -> float:
        return self._times(1.75)

    @property
    def h2(self) -> float:
        return self._times(1.33)

    @property
    def h3(self) -> float:
        return self._times(1.2)

    @property
    def part(self) -> float:
        return self._times(1.5)

    @property
    def h4(self) -> float:
        return self._times(1.1)

    @property
    def intro(self) -> float:
        return self._times(1.08)

    @property
    def table(self) -> float:
        """Table text: a point under the body, never under a note."""
        return max(self.note, self.body - 1)

    @property
    def margin(self) -> float:
        """The running header and footer, the document control and the DRAFT and preview marks: the note size,
        up to 12 pt (two lines of it still fit the 20 mm margins, where large print's 14 pt would not)."""
        return min(self.note, MARGIN_TEXT_MAX_PT)


# The page margins of every leaflet: the stylesheet's @page margins, and the text box the audit holds every
# glyph of the body to (the running header and footer are printed in the margins).
PAGE_MARGINS = Margins(top=20, right=17, bottom=20, left=17)


def contact_links(brand: Brand) -> tuple[str, ...]:
    """The links the contact block of every leaflet of ``brand`` carries, and the audit looks for in its PDF:
    the phone's ``tel:`` link, the website, the booking page."""
    return (tel_uri(brand.phone), brand.website, brand.booking_url)


def document_date(topics: list[Topic]) -> dt.date:
    """The date a document carries in its metadata: its newest review, so that equal inputs give equal bytes."""
    return max(topic.review.reviewed_on for topic in topics)


@dataclass(frozen=True)
class DocumentControl:
    """What a released leaflet prints on every page for document control: its stable reference, its version
    (raised only when the leaflet's own inputs change) and the date of that version."""

    reference: str  # SL-MARKS-VS-SCARS
    version: int
    date: dt.date

    @property
    def line(self) -> str:
        return f"{self.reference} v{self.version} · {self.date.isoformat()}"


def page_marking(control: DocumentControl | None) -> dict[str, Any]:
    """What the stylesheet prints on every page: a released leaflet's reference and version, or, for a preview
    (no document control), a translated "Preview — not a released leaflet"."""
    return {"control_css": css_string(control.line) if control else "", "preview": control is None}


@dataclass(frozen=True)
class LeafletSource:
    """What one leaflet is made of; ``topic_id`` None means the complete guide. A leaflet without ``control``
    is a preview (``build``): every page says so. ``large_print``: the large-print edition (16 pt body)."""

    brand: Brand
    locale: str
    topic_id: str | None
    control: DocumentControl | None = None
    large_print: bool = False


def page_counter_css(label: str) -> str:
    """A translated "Page %(page)s of %(pages)s" as a CSS content value: strings and page counters.

    The translation arrives escaped for HTML (as every translation does); it is unescaped here and each
    literal piece is written as a CSS string, so a translation cannot break out of the stylesheet.
    """
    text = label.unescape() if isinstance(label, Markup) else label
    parts = []
    for piece in _split_placeholders(text):
        if piece == "%(page)s":
            parts.append("counter(page)")
        elif piece == "%(pages)s":
            parts.append("counter(pages)")
        elif piece:
            parts.append(css_string(piece.replace("%%", "%")))
    return " ".join(parts) or "counter(page)"


def _split_placeholders(text: str) -> list[str]:
    pieces: list[str] = []
    rest = text
    while rest:
        positions = [(rest.find(p), p) for p in ("%(page)s", "%(pages)s") if p in rest]
        if not positions:
            pieces.append(rest)
            break
        index, placeholder = min(positions)
        pieces.extend([rest[:index], placeholder])
        rest = rest[index + len(placeholder) :]
    return pieces


# The leaflet's own filters, for its print stylesheet.
FILTERS: dict[str, Callable[..., Any]] = {"css_string": css_string, "page_counter_css": page_counter_css}


class LeafletRenderer:
    """Renders leaflet HTML for any brand, locale and topic; one per worker process, reused."""

    def __init__(self, project: Project, content: ContentSet, fonts: FontSet) -> None:
        self.project = project
        self.content = content
        self.fonts = fonts
        self._envs: dict[str, Environment] = {}

    def environment(self, brand: Brand) -> Environment:
        if brand.id not in self._envs:
            self._envs[brand.id] = make_environment(self.project, brand.id, filters=FILTERS)
        return self._envs[brand.id]

    def render(
        self, source: LeafletSource, translator: Translator, manifest: Manifest
    ) -> tuple[str, dt.date]:
        """The leaflet's HTML and the date it carries (see :func:`document_date`)."""
        env = self.environment(source.brand)
        gettext = translations(translator)
        brand = brand_view(source.brand, source.locale)
        locale = locale_view(translator)
        views: dict[str, Any]
        if source.topic_id is None:
            topics = list(self.content)
            guide = guide_view(self.content, translator, source.brand.clinic_details(source.locale))
            views = {"guide": guide}
            title, description, minutes = guide.title, guide.intro, guide.minutes
        else:
            topics = [self.content.topics[source.topic_id]]
            topic = topic_view(topics[0], translator, source.brand.clinic_details(source.locale))
            views = {"topic": topic}
            title, description, minutes = topic.title, topic.summary[0], topic.minutes
        when = document_date(topics)
        context_key = "guide" if source.topic_id is None else "topic"
        context: dict[str, Any] = {
            "kind": context_key,
            "brand": brand,
            "locale": locale,
            "doc_title": title,
            "doc_description": description,
            "timestamp": f"{when.isoformat()}T00:00:00Z",
            "minutes": minutes,
            "translation": translation_note(translator, manifest),
            "stylesheet": self._stylesheet(
                env,
                gettext,
                brand,
                locale,
                title,
                source.control,
                views[context_key].draft,
                TypeScale.of(source.brand, large_print=source.large_print),
            ),
            **views,
            **gettext,
        }
        html = env.get_template(f"leaflet/{context['kind']}.html.j2").render(context)
        return html, when

    def _stylesheet(
        self,
        env: Environment,
        gettext: dict[str, Callable[..., str]],
        brand: BrandView,
        locale: LocaleView,
        title: str,
        control: DocumentControl | None,
        draft: bool,
        type_scale: TypeScale,
    ) -> Markup:
        css = env.get_template("leaflet/leaflet.css.j2").render(
            gettext,
            brand=brand,
            font_faces=self.fonts.font_faces(self.project.root),
            font_stack=self.fonts.css_stack(locale.code),
            start=locale.start,
            end=locale.end,
            clinic_name_css=css_string(brand.name),
            doc_title_css=css_string(title),
            accent_tint=tint(brand.accent),
            margins=PAGE_MARGINS,
            type=type_scale,
            **page_marking(control),
            draft=draft,
        )
        # Safe: every outside value in the stylesheet is a validated colour or went through css_string,
        # which also escapes the characters that could close the <style> element.
        return Markup(css)  # noqa: S704
