"""The Jinja environment every output channel renders its views through, and the translations of a render.

One environment per brand (or one for pages of no brand), with the i18n extension and new-style gettext,
``StrictUndefined``, the filters of :mod:`.bidi` (left-to-right islands, web addresses that break only after
a slash), and autoescaping on for every template except stylesheets and plain-text mail templates
(``*.css.j2``, ``*.txt.j2``). Note that Jinja's ``select_autoescape`` only looks at the last extension, so
``*.html.j2`` would not be escaped: the rule here is explicit. Translations are escaped before Jinja marks
them safe (see :func:`translations`), and the views reach templates as plain strings, so no text can add
markup. Every environment has the bidi filters of :mod:`.bidi` (left-to-right islands in right-to-left text,
web addresses that wrap after a slash), which escape what they are given; a channel may add filters of its
own when it makes its environment (the leaflet's CSS filters).

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

from collections.abc import Callable, Mapping
from typing import Any

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, pass_eval_context
from jinja2.nodes import EvalContext
from markupsafe import escape

from ..config import Project
from ..content.blocks import check_handled
from ..i18n import Translator
from . import bidi
from .block_templates import UNHANDLED, check_templates, unhandled_block
from .topic import BLOCK_VIEWS

PLAIN_SUFFIXES = (".css.j2", ".txt.j2")


def autoescape(name: str | None) -> bool:
    """Escape every template but stylesheets and plain-text mail templates."""
    return name is None or not name.endswith(PLAIN_SUFFIXES)


def make_environment(
    project: Project, brand_id: str | None = None, *, filters: Mapping[str, Callable[..., Any]] | None = None
) -> Environment:
    """The environment of one brand (its overrides first), with a channel's own ``filters`` if any.

    Every channel starts here, so this is where a block kind without a view (see
    :data:`~scarleaflets.views.topic.BLOCK_VIEWS`) or without a branch in a template that renders blocks (see
    :mod:`.block_templates`) fails."""
    check_handled(BLOCK_VIEWS, who="topic view model")
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
    env.filters.update(bidi.FILTERS)  # left-to-right islands in right-to-left text, for every channel
    env.filters.update(filters or {})
    env.globals[UNHANDLED] = unhandled_block
    check_templates(env)
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
