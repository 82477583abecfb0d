"""Content + recipient -> a complete e-mail message (no sending, no state).

HTML and plain-text bodies come from the same content through ``templates/email/`` (the text part is its own
template, written for text). CSS is inlined with css-inline, keeping the media queries for small screens and
dark mode. The message is ``multipart/alternative``, inside ``multipart/mixed`` when a leaflet is attached.
Headers: From, Reply-To, To, a localized Subject, Date, a Message-ID fixed per (enrollment, step),
Content-Language, List-Id, List-Unsubscribe (one-click HTTPS and mailto) and List-Unsubscribe-Post.
"""

from __future__ import annotations

import datetime as dt
import email.policy
import re
from collections.abc import Callable
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any

import css_inline
from jinja2 import Environment

from .brands import Brand
from .config import Project
from .content import ContentSet
from .errors import ScarleafletsError
from .i18n import Manifest, Translator
from .render import install_translator, make_environment, topic_view
from .series import Series, Step

CONTROL = re.compile(r"[\x00-\x1f\x7f]")
POLICY = email.policy.SMTP.clone(max_line_length=78)


class HeaderError(ScarleafletsError):
    """A header value would contain a line break or another control character."""


def header_safe(value: str, what: str) -> str:
    """Refuse a line break or control character in any header value (header injection), before any use."""
    if CONTROL.search(value):
        raise HeaderError(f"{what}: line breaks and control characters are not allowed")
    return value


@dataclass(frozen=True)
class Recipient:
    enrollment_id: int
    email: str
    name: str | None
    locale: str


@dataclass(frozen=True)
class Attachment:
    filename: str
    data: bytes


class EmailComposer:
    """Composes series messages; one per process, templates compiled once per brand."""

    def __init__(self, project: Project, content: ContentSet) -> None:
        self.project = project
        self.content = content
        self._envs: dict[str, Environment] = {}
        self._inliner = css_inline.CSSInliner(keep_style_tags=True, load_remote_stylesheets=False)

    def _env(self, brand: Brand) -> Environment:
        if brand.id not in self._envs:
            self._envs[brand.id] = make_environment(self.project, brand.id)
        return self._envs[brand.id]

    def compose(
        self,
        *,
        brand: Brand,
        series: Series,
        step: Step,
        recipient: Recipient,
        translator: Translator,
        manifest: Manifest,
        message_id: str,
        unsubscribe_url: str,
        now: dt.datetime,
        attachments: Callable[[str], Attachment] | None = None,
    ) -> EmailMessage:
        info = translator.info
        context_id = f"series/{series.id}/{step.id}"
        subject = header_safe(translator.pgettext(context_id, step.subject.text), "subject")
        name = header_safe(recipient.name, "name") if recipient.name else None
        attached = [attachments(topic_id) for topic_id in step.attach] if attachments else []
        env = self._env(brand)
        install_translator(env, translator)
        start = "right" if info.direction == "rtl" else "left"
        context: dict[str, Any] = {
            "brand": {
                "name": brand.name,
                "phone": brand.phone,
                "postal_address": brand.email.postal_address,
                "primary": brand.primary,
                "accent": brand.accent,
            },
            "locale": {"tag": info.language_tag, "dir": info.direction},
            "start": start,
            "subject": subject,
            "preheader": translator.pgettext(context_id, step.preheader.text),
            "intro": translator.pgettext(context_id, step.intro.text),
            "name": name,
            "topics": [topic_view(self.content.topics[t], translator) for t in step.topics],
            "attached": bool(attached),
            "step_number": series.steps.index(step) + 1,
            "step_total": len(series.steps),
            "unsubscribe_url": unsubscribe_url,
            "translation": {
                "show": recipient.locale != "en",
                "reviewed": manifest.reviewed,
                "reviewed_on": info.date(manifest.reviewed_on) if manifest.reviewed_on else "",
            },
        }
        html = self._inliner.inline(env.get_template("email/step.html.j2").render(context))
        text = env.get_template("email/step.txt.j2").render(context)
        sender = brand.email
        message = EmailMessage(policy=POLICY)
        message["From"] = Address(sender.sender_name, addr_spec=sender.sender_address)
        message["Reply-To"] = Address(addr_spec=sender.reply_to)
        message["To"] = Address(name or "", addr_spec=header_safe(recipient.email, "e-mail address"))
        message["Subject"] = subject
        message["Date"] = format_datetime(now.astimezone(dt.UTC))
        message["Message-ID"] = header_safe(message_id, "Message-ID")
        domain = sender.sender_address.rpartition("@")[2]
        message["List-Id"] = f"{header_safe(series.name, 'series name')} <{series.id}.{brand.id}.{domain}>"
        mailto = f"mailto:{sender.reply_to}?subject=unsubscribe"
        message["List-Unsubscribe"] = f"<{header_safe(unsubscribe_url, 'unsubscribe URL')}>, <{mailto}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        message.set_content(text, subtype="plain", charset="utf-8", cte="quoted-printable")
        message.add_alternative(html, subtype="html", charset="utf-8", cte="quoted-printable")
        for item in attached:
            message.add_attachment(item.data, maintype="application", subtype="pdf", filename=item.filename)
        # Last: set_content() and the multipart conversions move or drop Content-* headers set earlier.
        message["Content-Language"] = info.language_tag
        return message
