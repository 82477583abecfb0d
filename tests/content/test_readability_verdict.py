"""content/readability/verdict.py: what a topic's score in one language makes check report, and how."""

from __future__ import annotations

from scarleaflets.config import ReadabilitySettings
from scarleaflets.content.readability import LANGUAGES, Unit, measure_units, resolve_targets
from scarleaflets.content.readability.verdict import excerpt, judge

HARD = (
    "Профессиональная дерматологическая консультация рекомендуется перед применением "
    "высококонцентрированных отбеливающих препаратов."
)


def russian_score():
    units = [Unit("Крем.", "ru.po", 10), Unit(HARD, "ru.po", 20, ('msgstr ""', f'"{HARD}"'))]
    return measure_units(units, LANGUAGES["ru"], LANGUAGES["ru"].default)


def test_a_missed_translated_target_is_a_warning_naming_the_hardest_sentences():
    targets = resolve_targets(ReadabilitySettings(hardest_sentences=2), max_grade=8.0)
    verdict = judge(targets.for_locale("ru"), russian_score(), targets.settings, at=("ru.po", 10), topic="t")
    assert not verdict.ok
    assert verdict.errors == []
    (problem,) = verdict.warnings
    assert str(problem).splitlines() == [
        f"ru.po:10: topic 't' in ru reads at Oborneva reading ease {verdict.value:.1f} (very confusing), below the "
        "minimum of 60; shorten the sentences below first, and use everyday words",
        '    ru.po:21: "Профессиональная дерматологическая консультация рекомендуется перед …" (9 words)',
    ]
    assert problem.as_dict()["details"] == [problem.details[0]]
    assert verdict.as_dict()["ok"] is False


def test_on_failure_error_and_long_sentences():
    settings = ReadabilitySettings(on_failure="error", long_sentence_words=8)
    targets = resolve_targets(settings, max_grade=8.0)
    verdict = judge(targets.for_locale("ru"), russian_score(), settings, at=("ru.po", 10), topic="t")
    assert [p.line for p in verdict.errors] == [10]
    assert [str(p) for p in verdict.warnings] == [
        'ru.po:21: a sentence of 9 words (more than 8): "Профессиональная дерматологическая консультация '
        'рекомендуется перед …"; split it'
    ]


def test_a_met_target_reports_nothing_and_untranslated_topics_are_not_judged():
    targets = resolve_targets(ReadabilitySettings(), max_grade=8.0)
    easy = measure_units(
        [Unit("Il sole fa male. Usa la crema.", "it.po", 3)], LANGUAGES["it"], LANGUAGES["it"].default
    )
    verdict = judge(targets.for_locale("it"), easy, targets.settings, at=("it.po", 3))
    assert verdict.ok
    assert (verdict.errors, verdict.warnings) == ([], [])
    empty = measure_units([], LANGUAGES["it"], LANGUAGES["it"].default, missing=4)
    nothing = judge(targets.for_locale("it"), empty, targets.settings, at=("it.po", 0))
    assert nothing.ok
    assert nothing.value is None
    assert nothing.as_dict()["untranslated_texts"] == 4


def test_excerpt_cuts_at_a_whole_word():
    assert excerpt("Short.") == "Short."
    long = "word " * 30
    assert excerpt(long).endswith("word …")
    assert len(excerpt(long)) <= 72
