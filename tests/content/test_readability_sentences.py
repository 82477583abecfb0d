"""content/readability/sentences.py: words, sentence ends, the counts, and the line each sentence starts on."""

from __future__ import annotations

from scarleaflets.content.readability import Counts, Unit
from scarleaflets.content.readability.sentences import count, sentence_lines, split, unit_sentences, words
from scarleaflets.content.readability.syllables import german, spanish


def test_words_keep_inner_apostrophes_and_hyphens():
    assert words("L'acné, peut-être U-образные (1–2) !") == ["L'acné", "peut-être", "U-образные", "1", "2"]


def test_sentences_end_at_terminal_punctuation_followed_by_a_capital():
    assert split("Es leve. ¿Duele? Sí… A veces. ") == ["Es leve.", "¿Duele?", "Sí…", "A veces."]


def test_lower_case_after_a_full_stop_continues_the_sentence():
    assert split("Use 2 veces al día, p. ej. por la mañana. Luego nada.", frozenset({"p", "ej"})) == [
        "Use 2 veces al día, p. ej. por la mañana.",
        "Luego nada.",
    ]


def test_abbreviations_and_german_ordinals_do_not_end_a_sentence():
    abbreviations = frozenset({"z", "b"})
    text = "Am 3. Tag z. B. Rötung. Danach z.B. Schorf. Das dauert bis 3. Dann heilt es."
    assert split(text, abbreviations, ordinal_dot=True) == [
        "Am 3. Tag z. B. Rötung.",
        "Danach z.B. Schorf.",
        "Das dauert bis 3. Dann heilt es.",  # a known approximation: in German, "3." reads as an ordinal
    ]
    assert split("It is 1 in 3. Most heal.") == ["It is 1 in 3.", "Most heal."]


def test_a_unit_without_a_full_stop_is_one_sentence():
    assert split("Qué esperar") == ["Qué esperar"]
    assert split("…") == []


def test_count_of_one_german_sentence():
    # Schüt-zen Sie die Nar-be vor der Son-ne: 7 words, 2+1+1+2+1+1+2 = 10 syllables, 8+3+3+5+3+3+5 = 30
    # letters; "Schützen" is the only word of more than six letters; none has three syllables; Sie, die, vor,
    # der are one syllable.
    assert count("Schützen Sie die Narbe vor der Sonne.", german) == Counts(
        sentences=1, words=7, syllables=10, letters=30, long_words=1, polysyllables=0, monosyllables=4
    )


def test_counts_add_and_subtract():
    a = Counts(1, 5, 7, 20, 1, 0, 3)
    b = Counts(2, 4, 6, 18, 2, 1, 1)
    assert a + b == Counts(3, 9, 13, 38, 3, 1, 4)
    assert (a + b) - b == a


def test_each_sentence_is_placed_on_the_line_where_it_starts():
    source = (
        'msgstr ""',
        '"Las pruebas son moderadas. Varios estudios encontraron que la subcisión "',
        '"puede mejorar las cicatrices. Algunos encontraron que funciona mejor. "',
        '"Pero la mayoría fueron pequeños."',
    )
    text = "".join(line.strip('"') for line in source[1:])
    unit = Unit(text, "es.po", 100, source)
    found = unit_sentences(unit, spanish)
    assert [(s.line, s.text.split()[0]) for s in found] == [
        (101, "Las"),
        (101, "Varios"),
        (102, "Algunos"),
        (103, "Pero"),
    ]
    assert found[1].where == "es.po:101"


def test_a_word_the_source_writes_otherwise_keeps_the_line_of_the_word_before():
    unit = Unit("Uno dos. Tres.", "f.yaml", 7, ("text: Uno dos.", '  "T\\u0072es."'))
    assert sentence_lines(unit, [0, 2]) == [7, 7]
    assert sentence_lines(Unit("Uno.", "f", 3), [0]) == [3]  # no source: the unit's own line
