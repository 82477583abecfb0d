"""Babel extractor for the content YAML, and the extraction of the whole project into a template.

``extract_content`` follows Babel's extractor protocol, ``(fileobj, keywords, comment_tags, options)``
yielding ``(lineno, funcname, message, comments)``; it is registered under the ``babel.extractors``
entry-point group as ``scarleaflets``, so ``pybabel extract -F babel.cfg -o locales/messages.pot .`` works
with the project's mapping. Each heading, paragraph, list item, table cell, caption and alt text becomes one
message with its real line number, a context built from the topic and section ids (``pgettext``), and the
block's ``note`` as a comment for translators.

:func:`extract_project` runs the same extraction through Babel's Python API for ``scarleaflets i18n
extract``, after the whole content set has been validated.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO, Any

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg

from .. import __version__
from ..config import Project
from ..content import ContentSet, Msg, file_messages, load_content
from ..content.series import SERIES_FOLDER, Series, load_series, series_messages

MAPPING_FILE = "babel.cfg"
# Used when a project folder has no babel.cfg of its own: the same mapping the repository ships.
DEFAULT_MAPPING = """\
# Babel mapping: which files hold translatable text, and how to read them.
[scarleaflets: content/**.yaml]

[jinja2: templates/**.j2]
trimmed = true
"""
COMMENT_TAGS = ("Translators:",)


def extract_content(
    fileobj: IO[bytes],
    keywords: Mapping[str, Any],
    comment_tags: Any,  # noqa: ANN401 (Babel's protocol)
    options: Mapping[str, Any],
) -> Iterator[tuple[int, str, tuple[str, str], list[str]]]:
    """Babel extractor: the messages of one content file, with real line numbers and contexts."""
    name = str(getattr(fileobj, "name", "content.yaml"))
    text = fileobj.read().decode(options.get("encoding", "utf-8"))
    path = Path(name)
    read = series_messages if path.parent.name == SERIES_FOLDER else file_messages
    for context, msg in read(path, _shown(name), text):
        comments = [msg.note] if msg.note else []
        yield msg.line, "pgettext", (context, msg.text), comments


def _shown(name: str) -> str:
    parts = Path(name).parts
    return "/".join(parts[parts.index("content") :]) if "content" in parts else name


def mapping_text(project: Project) -> str:
    path = project.root / MAPPING_FILE
    return path.read_text(encoding="utf-8") if path.is_file() else DEFAULT_MAPPING


def extract_project(
    project: Project,
    now: dt.datetime,
    content: ContentSet | None = None,
    series: dict[str, Series] | None = None,
) -> Catalog:
    """Validate all content (unless given already loaded), then gather every content and template message.

    Content messages come from the validated model, file by file in the order ``pybabel extract`` visits
    them, with the same contexts, lines and notes as :func:`extract_content`; templates go through Babel's
    own extraction with the project's mapping. A test holds the two paths to the same result.
    """
    if content is None:
        content = load_content(project.root, now.date())  # raises ContentError listing every problem first
    if series is None:
        series = load_series(project.root, content)
    catalog = Catalog(
        project="scarleaflets",
        version=__version__,
        copyright_holder="scarleaflets contributors",
        msgid_bugs_address="translations@scarleaflets.example.org",
        creation_date=now,
        charset="utf-8",
        fuzzy=False,
    )
    sources: list[tuple[str, list[tuple[str, Msg]]]] = [(content.guide.file, list(content.guide.messages()))]
    sources += [(topic.file, list(topic.messages())) for topic in content]
    sources += [(item.file, list(item.messages())) for item in series.values()]
    for file, messages in sorted(sources):
        for context, msg in messages:
            catalog.add(
                msg.text,
                None,
                locations=[(file, msg.line)],
                auto_comments=[msg.note] if msg.note else [],
                context=context,
            )
    method_map, options_map = parse_mapping_cfg(io.StringIO(mapping_text(project)))  # type: ignore[no-untyped-call]
    others = [(pattern, method) for pattern, method in method_map if method != "scarleaflets"]
    for filename, lineno, message, comments, template_context in extract_from_dir(
        str(project.root),
        others,
        options_map,
        keywords=DEFAULT_KEYWORDS,
        comment_tags=COMMENT_TAGS,
        strip_comment_tags=True,
    ):
        catalog.add(
            message,
            None,
            locations=[(Path(filename).as_posix(), lineno)],
            auto_comments=comments,
            context=template_context,
        )
    return catalog
