"""content/readability/formulas.py: each formula's published constants, checked against values computed by hand."""

from __future__ import annotations

import pytest

from scarleaflets.content.readability import LANGUAGES, Counts, Unit, language_of, measure_units
from scarleaflets.content.readability import formulas as f

# 10 sentences, 100 words, 150 syllables, 500 letters; 20 words of more than six letters, 10 of three
# syllables or more, 60 of one syllable. ASL = 10 words a sentence, ASW = 1.5 syllables a word.
PLAIN = Counts(
    sentences=10, words=100, syllables=150, letters=500, long_words=20, polysyllables=10, monosyllables=60
)
# 4 sentences, 100 words, 180 syllables, 600 letters, 35 long words, 25 of three syllables or more, 40 of one.
# ASL = 25, ASW = 1.8.
DENSE = Counts(
    sentences=4, words=100, syllables=180, letters=600, long_words=35, polysyllables=25, monosyllables=40
)


@pytest.mark.parametrize(
    ("formula", "plain", "dense"),
    [
        # 0.39·ASL + 11.8·ASW − 15.59: 3.9 + 17.7 − 15.59 = 6.01;  9.75 + 21.24 − 15.59 = 15.4
        (f.FLESCH_KINCAID, 6.01, 15.4),
        # 206.84 − 60·ASW − 1.02·ASL: 206.84 − 90 − 10.2 = 106.64;  206.84 − 108 − 25.5 = 73.34
        (f.FERNANDEZ_HUERTA, 106.64, 73.34),
        # 206.835 − 62.3·ASW − ASL: 206.835 − 93.45 − 10 = 103.385;  206.835 − 112.14 − 25 = 69.695
        (f.INFLESZ, 103.385, 69.695),
        # 207 − 1.015·ASL − 73.6·ASW: 207 − 10.15 − 110.4 = 86.45;  207 − 25.375 − 132.48 = 49.145
        (f.KANDEL_MOLES, 86.45, 49.145),
        # 0.1935·MS + 0.1672·SL + 0.1297·IW − 0.0327·ES − 0.875 with MS, IW, ES in percent:
        # 1.935 + 1.672 + 2.594 − 1.962 − 0.875 = 3.364;  4.8375 + 4.18 + 4.5395 − 1.308 − 0.875 = 11.374
        (f.WIENER_SACHTEXTFORMEL, 3.364, 11.374),
        # 89 + (300·sentences − 10·letters) / words: 89 + (3000 − 5000)/100 = 69;  89 + (1200 − 6000)/100 = 41
        (f.GULPEASE, 69.0, 41.0),
        # 206.835 − 1.3·ASL − 60.1·ASW: 206.835 − 13 − 90.15 = 103.685;  206.835 − 32.5 − 108.18 = 66.155
        (f.OBORNEVA, 103.685, 66.155),
        # 248.835 − 1.015·ASL − 84.6·ASW: 248.835 − 10.15 − 126.9 = 111.785;  248.835 − 25.375 − 152.28 = 71.18
        (f.FLESCH_PORTUGUESE, 111.785, 71.18),
    ],
)
def test_published_constants(formula, plain, dense):
    assert formula.score(PLAIN) == pytest.approx(plain)
    assert formula.score(DENSE) == pytest.approx(dense)
    # The plain text meets a target set at the dense one's score, and not the other way round.
    assert formula.meets(plain, dense)
    assert not formula.meets(dense, plain)


def test_no_words_no_score():
    assert f.INFLESZ.score(Counts()) is None


def measured(locale: str, text: str) -> float | None:
    language = language_of(locale)
    assert language is not None
    return measure_units([Unit(text, "f", 1)], language, language.default).value


@pytest.mark.parametrize(
    ("locale", "text", "expected"),
    [
        # El(1) sol(1) da-ña(2) la(1) piel(1) | U-se(2) cre-ma(2) ca-da(2) dí-a(2): 2 sentences, 9 words,
        # 14 syllables. INFLESZ = 206.835 − 62.3·14/9 − 9/2 = 206.835 − 96.911 − 4.5 = 105.424
        ("es", "El sol daña la piel. Use crema cada día.", 105.424),
        # Le(1) so-leil(2) a-bîme(2) la(1) peau(1) | Met-tez(2) de(1) la(1) crème(1): 2 sentences, 9 words,
        # 12 syllables. Kandel–Moles = 207 − 1.015·4.5 − 73.6·12/9 = 207 − 4.5675 − 98.133 = 104.299
        ("fr", "Le soleil abîme la peau. Mettez de la crème.", 104.299),
        # Die(1) Haut(1) heilt(1) lang-sam(2) | Schüt-zen(2) Sie(1) die(1) Nar-be(2) vor(1) der(1) Son-ne(2):
        # 2 sentences, 11 words, 15 syllables, none of three; 7 of one; langsam and Schützen have more than
        # six letters. WSTF = 0.1935·0 + 0.1672·5.5 + 0.1297·200/11 − 0.0327·700/11 − 0.875
        # = 0.9196 + 2.3582 − 2.0809 − 0.875 = 0.3219
        ("de", "Die Haut heilt langsam. Schützen Sie die Narbe vor der Sonne.", 0.3219),
        # Il sole fa male alla pelle (2+4+2+4+4+5 = 21 letters) | Usa la crema (3+2+5 = 10): 2 sentences,
        # 9 words, 31 letters. Gulpease = 89 + (600 − 310)/9 = 121.222
        ("it", "Il sole fa male alla pelle. Usa la crema.", 121.222),
        # Сол-нце(2) вре-дит(2) ко-же(2) | Но-си-те(3) крем(1): 2 sentences, 5 words, 10 syllables.
        # Oborneva = 206.835 − 1.3·2.5 − 60.1·2 = 83.385
        ("ru", "Солнце вредит коже. Носите крем.", 83.385),
        # O sol faz mal à pe-le (1+1+1+1+1+2) | U-se pro-te-tor to-do a-no (2+3+2+2): 2 sentences, 10 words,
        # 16 syllables. Martins = 248.835 − 1.015·5 − 84.6·1.6 = 248.835 − 5.075 − 135.36 = 108.4
        ("pt_BR", "O sol faz mal à pele. Use protetor todo ano.", 108.4),
    ],
)
def test_scores_of_sentences_counted_by_hand(locale, text, expected):
    assert measured(locale, text) == pytest.approx(expected, abs=0.001)


def test_fernandez_huerta_is_the_other_spanish_formula():
    # Same counts as above: 206.84 − 60·14/9 − 1.02·4.5 = 206.84 − 93.333 − 4.59 = 108.917
    spanish = LANGUAGES["es"]
    units = [Unit("El sol daña la piel. Use crema cada día.", "f", 1)]
    assert measure_units(units, spanish, f.FERNANDEZ_HUERTA).value == pytest.approx(108.917, abs=0.001)


def test_languages_without_a_validated_formula():
    for locale in ("ar", "hi", "zh_Hans", "vi"):
        assert language_of(locale) is None
    assert language_of("pt_BR") is LANGUAGES["pt"]
    assert language_of("es_MX") is LANGUAGES["es"]


def test_bands_name_the_published_levels():
    assert f.INFLESZ.band(56) == "normal"
    assert f.INFLESZ.band(39) == "muy difícil"
    assert f.GULPEASE.band(65) == "facile (licenza media)"
    assert f.WIENER_SACHTEXTFORMEL.band(6) == ""  # a grade needs no band
