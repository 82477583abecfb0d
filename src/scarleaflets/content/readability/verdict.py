"""What ``check`` says about a topic's score in one language: the result, and the problems it reports.

A topic that misses its target is one problem at the topic's title (in its YAML file for English, at the
title's ``msgstr`` for a translation), with the hardest sentences named under it by file and line; for
English it is an error, for a translation what the language's ``on_failure`` says. Every sentence of more
than ``long_sentence_words`` words is a warning at its own line, in every measured language, whether or not
the topic meets its target.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ...config import ReadabilitySettings
from ...errors import Problem
from .score import Score
from .sentences import Sentence
from .targets import Target

EXCERPT = 72  # characters of a sentence shown in a message


@dataclass(frozen=True)
class Verdict:
    """One topic in one language: its score, against its target."""

    target: Target
    value: float | None  # None when nothing of the topic is translated yet
    score: Score
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.value is None or self.target.meets(self.value)

    def as_dict(self) -> dict[str, Any]:
        return {
            "formula": self.target.formula.id,
            "score": None if self.value is None else round(self.value, 2),
            "band": "" if self.value is None else self.target.formula.band(self.value),
            "ok": self.ok,
            "words": self.score.counts.words,
            "sentences": self.score.counts.sentences,
            "untranslated_texts": self.score.missing,
        }


def excerpt(text: str) -> str:
    """The sentence, or its beginning up to a whole word, enough to find it."""
    if len(text) <= EXCERPT:
        return text
    return text[: EXCERPT - 1].rsplit(" ", 1)[0].rstrip(",;:") + " …"


def sentence_detail(sentence: Sentence) -> str:
    return f'{sentence.where}: "{excerpt(sentence.text)}" ({sentence.counts.words} words)'


def judge(
    target: Target,
    score: Score,
    settings: ReadabilitySettings,
    *,
    at: tuple[str, int],
    topic: str = "",
    message: str | None = None,
    value: float | None = None,
) -> Verdict:
    """The verdict on a topic's score; ``at`` is where a miss is reported (file, line), ``message`` what it says
    (by default one naming the topic, the formula, the score and the target), ``value`` the score when it
    comes from elsewhere (the English grade is textstat's)."""
    value = score.value if value is None else value
    verdict = Verdict(target, value, score)
    for sentence in score.long_sentences(settings.long_sentence_words):
        verdict.warnings.append(
            Problem(
                sentence.file,
                sentence.line,
                "",
                f"a sentence of {sentence.counts.words} words (more than {settings.long_sentence_words}): "
                f'"{excerpt(sentence.text)}"; split it',
            )
        )
    if verdict.ok or value is None:
        return verdict
    details = tuple(sentence_detail(s) for s in score.hardest(settings.hardest_sentences))
    problem = Problem(at[0], at[1], "", message or _missed(target, value, topic), details)
    (verdict.errors if target.on_failure == "error" else verdict.warnings).append(problem)
    return verdict


def _missed(target: Target, value: float, topic: str) -> str:
    formula = target.formula
    band = formula.band(value)
    shown = f"{value:.1f}" + (f" ({band})" if band else "")
    if formula.scale == "ease":
        side = f"below the minimum of {target.limit:g}"
    else:
        side = f"above the maximum of {target.limit:g}"
    subject = f"topic '{topic}' in {target.locale}" if topic else target.locale
    return (
        f"{subject} reads at {formula.name} {shown}, {side}; shorten the sentences below first, and use "
        "everyday words"
    )
