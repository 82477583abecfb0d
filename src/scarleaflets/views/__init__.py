"""The views stage: one translated view model of the content, which every output channel renders.

A topic, the complete guide and a step of an email series become plain, frozen, fully translated objects
(:mod:`.topic`, :mod:`.step`), framed by the clinic, the language and the translation's review status
(:mod:`.context`); :mod:`.templating` is the Jinja environment every channel renders them through, with each
render's translations passed in. The leaflet (``leaflets/``), the email (``mail/compose.py``) and the web
pages (``web/``) all render from here and build no template data of their own from the content, so they say
the same thing in the same words; a new output channel is one module that renders these views, and its
templates (see "Adding an output channel" in ``docs/developers-guide.md``).

It imports the content, i18n and brand stages and the core, and nothing later: no channel, and never the PDF
engine, so sending email and serving pages do not load WeasyPrint. This module only re-exports the names the
rest of the package uses.
"""

from __future__ import annotations

from .context import BrandView as BrandView
from .context import LocaleView as LocaleView
from .context import TranslationNote as TranslationNote
from .context import brand_view as brand_view
from .context import locale_view as locale_view
from .context import translation_note as translation_note
from .step import StepView as StepView
from .step import step_view as step_view
from .templating import make_environment as make_environment
from .templating import translations as translations
from .topic import GuideView as GuideView
from .topic import TopicView as TopicView
from .topic import guide_view as guide_view
from .topic import topic_view as topic_view
