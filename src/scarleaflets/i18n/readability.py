"""The translated prose of each topic, as the readability measures read it, with the ``.po`` line of each text.

A topic's prose in another language is the published translation (translated, not fuzzy) of each text that
:func:`~scarleaflets.content.readability.prose_messages` gives for the English, looked up by its English text
and context, so every block the English measure reads is read in every language. A text without a
published translation is left out and counted (it would be printed in English), never measured as English.
Each text is placed at its ``msgstr`` line, with the lines of that ``msgstr`` as its source, so each sentence
is reported at the line where it starts.
"""

from __future__ import annotations

from babel.messages.catalog import Catalog

from ..content import Topic
from ..content.readability import Unit, prose_messages
from .catalogs import LoadedCatalog, is_published, message_key


class TranslatedProse:
    """The published translations of one catalog, ready to give each topic's prose as measured units."""

    def __init__(self, catalog: Catalog, file: str, lines: list[str]) -> None:
        self.file = file
        self._lines = lines
        self._found: dict[tuple[str, str | None], tuple[str, int]] = {}
        for message in catalog:
            if message.id and is_published(message) and isinstance(message.string, str):
                self._found[message_key(message)] = (message.string, message.lineno or 0)

    @classmethod
    def of(cls, loaded: LoadedCatalog) -> TranslatedProse | None:
        """The prose of a catalog that passed the quality gate (None for one that did not)."""
        if loaded.catalog is None or loaded.problems:
            return None
        return cls(loaded.catalog, loaded.file, loaded.path.read_text(encoding="utf-8").splitlines())

    def pairs(self) -> list[tuple[str, str]]:
        """Every published (English, translation) pair of the catalog."""
        return [(english, text) for (english, _), (text, _) in self._found.items()]

    def units(self, topic: Topic) -> tuple[list[Unit], int]:
        """The topic's translated texts, in reading order, and how many texts have no published translation."""
        units: list[Unit] = []
        missing = 0
        for context, msg in prose_messages(topic):
            found = self._found.get((msg.text, context))
            if found is None:
                missing += 1
                continue
            text, msgid_line = found
            line, source = self._msgstr(msgid_line)
            units.append(Unit(text, self.file, line, source))
        return units, missing

    def _msgstr(self, msgid_line: int) -> tuple[int, tuple[str, ...]]:
        """The line of the ``msgstr`` of the entry whose ``msgid`` is at ``msgid_line``, and its lines."""
        if msgid_line <= 0:
            return 0, ()
        index = msgid_line - 1
        while index < len(self._lines) and not self._lines[index].startswith("msgstr"):
            index += 1
        if index == len(self._lines):
            return msgid_line, ()
        end = index + 1
        while end < len(self._lines) and self._lines[end].startswith('"'):
            end += 1
        return index + 1, tuple(self._lines[index:end])
