"""Content, brand and translations -> leaflet HTML, through one Jinja environment per brand.

The environment has the i18n extension with new-style gettext, ``StrictUndefined``, and autoescaping on for
every template except stylesheets and plain-text mail templates (``*.css.j2``, ``*.txt.j2``). Note that
Jinja's ``select_autoescape`` only looks at the last extension, so ``*.html.j2`` would not be escaped: the
rule here is explicit. Translations are escaped before Jinja marks them safe (see
:class:`scarleaflets.i18n.Translator`), and the content reaches templates as plain strings, so no text can
add markup.

Templates are looked up first in ``templates/brands/<brand>/`` and then in ``templates/``: a clinic
overrides a template or the stylesheet for its brand by placing a file of the same name there.

Environments are shared by every thread of a process (the web service's, the composer's), so nothing about a
locale is ever installed into one: each render passes that locale's gettext functions in its context
(:func:`translations`). This was chosen over one environment per locale, built once and never changed,
because it keeps one set of compiled templates per brand instead of one per brand and language, and because
a render that forgets its translations fails at once (``StrictUndefined``) instead of quietly speaking the
language of whoever rendered last. (Templates pass the context on to ``{% include %}``; a macro that
translates must be imported ``with context``.)
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, partial
from typing import Any

import segno
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, pass_eval_context
from jinja2.nodes import EvalContext
from markupsafe import Markup, escape

from ..brands import Brand
from ..config import Project
from ..content import ContentSet, Source, Table, Topic
from ..content.blocks import BLOCKS, check_handled
from ..content.readability import prose
from ..i18n import Manifest, Translator
from ..i18n.locales import SOURCE_LOCALE
from .css import css_string
from .fonts import FontSet

WORDS_PER_MINUTE = 200
PLAIN_SUFFIXES = (".css.j2", ".txt.j2")


def autoescape(name: str | None) -> bool:
    """Escape every template but stylesheets and plain-text mail templates."""
    return name is None or not name.endswith(PLAIN_SUFFIXES)


def make_environment(project: Project, brand_id: str | None = None) -> Environment:
    check_handled(BLOCK_VIEWS, who="leaflet renderer")
    folders = [project.templates_dir / "brands" / brand_id] if brand_id else []
    folders.append(project.templates_dir)
    env = Environment(
        loader=ChoiceLoader([FileSystemLoader(str(f)) for f in folders]),
        autoescape=autoescape,  # noqa: S701 (a function: on for everything but *.css.j2 and *.txt.j2)
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["css_string"] = css_string
    env.filters["page_counter_css"] = page_counter_css
    # New-style gettext ({% trans %} blocks call gettext with their variables), with no gettext installed:
    # each render passes its own (see translations()); a render that forgets them fails on StrictUndefined.
    env.newstyle_gettext = True  # type: ignore[attr-defined]
    return env


def translations(translator: Translator) -> dict[str, Callable[..., str]]:
    """``gettext``, ``ngettext``, ``pgettext`` and ``npgettext`` of one locale, to pass to ``render()``.

    They behave as Jinja's new-style gettext (``_`` resolves ``gettext`` from the render context), with one
    difference: in templates that autoescape, the translation is escaped *before* it is marked safe, so a
    translated string can never add markup. In plain-text templates (mail text parts, stylesheets) it stays
    plain text. Like Jinja's, they always format with ``%`` (``%%`` is a literal percent sign) and escape the
    values they format in.
    """

    def out(eval_ctx: EvalContext, text: str, variables: dict[str, Any]) -> str:
        if eval_ctx.autoescape:
            return escape(text) % variables
        return text % variables

    @pass_eval_context
    def gettext(eval_ctx: EvalContext, message: str, /, **variables: Any) -> str:  # noqa: ANN401
        return out(eval_ctx, translator.gettext(message), variables)

    @pass_eval_context
    def ngettext(eval_ctx: EvalContext, singular: str, plural: str, count: int, /, **variables: Any) -> str:  # noqa: ANN401
        variables.setdefault("num", count)
        return out(eval_ctx, translator.ngettext(singular, plural, count), variables)

    @pass_eval_context
    def pgettext(eval_ctx: EvalContext, context: str, message: str, /, **variables: Any) -> str:  # noqa: ANN401
        variables.setdefault("context", context)
        return out(eval_ctx, translator.pgettext(context, message), variables)

    @pass_eval_context
    def npgettext(
        eval_ctx: EvalContext,
        context: str,
        singular: str,
        plural: str,
        count: int,
        /,
        **variables: Any,  # noqa: ANN401
    ) -> str:
        variables.setdefault("context", context)
        variables.setdefault("num", count)
        return out(eval_ctx, translator.npgettext(context, singular, plural, count), variables)

    return {"gettext": gettext, "ngettext": ngettext, "pgettext": pgettext, "npgettext": npgettext}


@dataclass(frozen=True)
class FigureView:
    src: str
    alt: str
    caption: str


@dataclass(frozen=True)
class BlockView:
    kind: str
    text: str = ""
    items: tuple[str, ...] = ()
    callout: str = ""
    caption: str = ""
    header: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    figure: FigureView | None = None


@dataclass(frozen=True)
class SectionView:
    id: str
    heading: str
    blocks: tuple[BlockView, ...]


@dataclass(frozen=True)
class TopicView:
    id: str
    title: str
    summary: tuple[str, ...]
    sections: tuple[SectionView, ...]
    questions: tuple[str, ...]
    sources: tuple[Source, ...]
    written_by: str
    reviewed_by: str
    reviewed_on: str
    next_review_due: str
    draft: bool


def _table_view(block: Table, t: Callable[[str], str], figure: Callable[[str], FigureView]) -> BlockView:
    return BlockView(
        "table",
        caption=t(block.caption.text) if block.caption else "",
        header=tuple(t(m.text) for m in block.header),
        rows=tuple(tuple(t(m.text) for m in row) for row in block.rows),
    )


# One view per kind of block (the `kind ==` branches of leaflet/_topic_body.html.j2), checked against the block
# registry when an environment is made: a kind without a view here is an error, never a dropped block.
BLOCK_VIEWS: dict[str, Callable[[Any, Callable[[str], str], Callable[[str], FigureView]], BlockView]] = {
    "paragraph": lambda b, t, figure: BlockView("paragraph", text=t(b.text.text)),
    "list": lambda b, t, figure: BlockView("list", items=tuple(t(m.text) for m in b.items)),
    "callout": lambda b, t, figure: BlockView("callout", text=t(b.text.text), callout=b.kind),
    "table": _table_view,
    "figure": lambda b, t, figure: BlockView("figure", figure=figure(b.figure_id)),
}


def topic_view(topic: Topic, tr: Translator) -> TopicView:
    """The topic with every text translated (English where a translation is missing, counted)."""

    def t(context: str, text: str) -> str:
        return tr.pgettext(context, text)

    def figure(figure_id: str) -> FigureView:
        fig = topic.figure(figure_id)
        context = f"{topic.id}/figure/{fig.id}"
        return FigureView(f"content/{fig.file}", t(context, fig.alt.text), t(context, fig.caption.text))

    sections = []
    for section in topic.sections:
        ctx = f"{topic.id}/{section.id}"
        blocks = []
        for block in section.blocks:
            view = BLOCK_VIEWS[BLOCKS.kind_of(block).name]
            blocks.append(view(block, partial(t, ctx), figure))
        sections.append(SectionView(section.id, t(ctx, section.heading.text), tuple(blocks)))
    review = topic.review
    return TopicView(
        id=topic.id,
        title=t(f"{topic.id}/title", topic.title.text),
        summary=tuple(t(f"{topic.id}/summary", m.text) for m in topic.summary),
        sections=tuple(sections),
        questions=tuple(t(f"{topic.id}/questions", m.text) for m in topic.questions),
        sources=topic.sources,
        written_by=t(f"{topic.id}/review", review.written_by.text),
        reviewed_by=t(f"{topic.id}/review", review.reviewed_by.text),
        reviewed_on=tr.info.date(review.reviewed_on),
        next_review_due=tr.info.date(review.next_review_due),
        draft=review.status == "draft",
    )


@cache
def qr_data_uri(url: str, colour: str) -> str:
    """The booking link as a QR code, an SVG data URI (no file, no network)."""
    return str(segno.make(url, error="m").svg_data_uri(scale=4, border=2, dark=colour))


def reading_minutes(topics: list[Topic]) -> int:
    words = sum(len(prose(topic).split()) for topic in topics)
    return max(1, math.ceil(words / WORDS_PER_MINUTE))


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
    is a preview (``build``): every page says so."""

    brand: Brand
    locale: str
    topic_id: str | None
    control: DocumentControl | None = None


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


class LeafletRenderer:
    """Renders leaflet HTML for any brand, locale and topic; one per worker process, reused."""

    def __init__(self, project: Project, content: ContentSet, fonts: FontSet) -> None:
        self.project = project
        self.content = content
        self.fonts = fonts
        self._envs: dict[str, Environment] = {}

    def environment(self, brand: Brand) -> Environment:
        if brand.id not in self._envs:
            self._envs[brand.id] = make_environment(self.project, brand.id)
        return self._envs[brand.id]

    def render(
        self, source: LeafletSource, translator: Translator, manifest: Manifest
    ) -> tuple[str, dt.date]:
        brand, locale = source.brand, source.locale
        env = self.environment(brand)
        gettext = translations(translator)
        info = translator.info
        start, end = ("right", "left") if info.direction == "rtl" else ("left", "right")
        if source.topic_id is None:
            topics = list(self.content)
            guide = self.content.guide
            title = translator.pgettext("guide/title", guide.title.text)
            description = translator.pgettext("guide/intro", guide.intro.text)
        else:
            topics = [self.content.topics[source.topic_id]]
            title = translator.pgettext(f"{source.topic_id}/title", topics[0].title.text)
            description = translator.pgettext(f"{source.topic_id}/summary", topics[0].summary[0].text)
        when = document_date(topics)
        context: dict[str, Any] = {
            "kind": "guide" if source.topic_id is None else "topic",
            "brand": {
                "name": brand.name,
                "logo_url": f"content/{brand.logo_file}",
                "address": brand.address,
                "phone": brand.phone,
                "website": brand.website,
                "legal": brand.legal_text(locale),
                "qr": qr_data_uri(brand.booking_url, brand.primary),
                "primary": brand.primary,
                "accent": brand.accent,
                "paper": brand.paper,
            },
            "locale": {"code": locale, "tag": info.language_tag, "dir": info.direction},
            "doc_title": title,
            "doc_description": description,
            "timestamp": f"{when.isoformat()}T00:00:00Z",
            "minutes": reading_minutes(topics),
            "translation": {
                "show": locale != SOURCE_LOCALE,
                "reviewed": manifest.reviewed,
                "reviewed_on": info.date(manifest.reviewed_on) if manifest.reviewed_on else "",
            },
            **gettext,
        }
        css = env.get_template("leaflet/leaflet.css.j2").render(
            gettext,
            brand=context["brand"],
            font_faces=self.fonts.font_faces(self.project.root),
            font_stack=self.fonts.css_stack(locale),
            start=start,
            end=end,
            clinic_name_css=css_string(brand.name),
            doc_title_css=css_string(title),
            accent_tint=_tint(brand.accent),
            **page_marking(source.control),
        )
        # Safe: every outside value in the stylesheet is a validated colour or went through css_string,
        # which also escapes the characters that could close the <style> element.
        context["stylesheet"] = Markup(css)  # noqa: S704
        if source.topic_id is None:
            views = {t.id: topic_view(t, translator) for t in topics}
            guide = self.content.guide
            context["guide"] = {
                "title": title,
                "subtitle": translator.pgettext("guide/title", guide.subtitle.text) if guide.subtitle else "",
                "intro": description,
                "parts": [
                    {
                        "id": part.id,
                        "heading": translator.pgettext(f"guide/{part.id}", part.heading.text),
                        "topics": [views[topic_id] for topic_id in part.topics],
                    }
                    for part in guide.parts
                ],
            }
            html = env.get_template("leaflet/guide.html.j2").render(context)
        else:
            context["topic"] = topic_view(topics[0], translator)
            html = env.get_template("leaflet/topic.html.j2").render(context)
        return html, when


def _tint(colour: str, amount: float = 0.88) -> str:
    """A pale version of a #rrggbb colour, for box backgrounds."""
    channels = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(c + (255 - c) * amount):02x}" for c in channels)
