"""The readability formulas validated for each language, with their published constants and sources.

Each formula is a function of counts that add up over sentences (:class:`~.sentences.Counts`), so the score
of a topic, and of a topic without any one sentence, come from the same sums. Two kinds of scale:
*reading ease* (higher is easier; a target is a minimum) and *grade* (school years; lower is easier; a
target is a maximum). With ASL the average sentence length in words and ASW the average word length in
syllables:

- **Flesch–Kincaid grade** (English): ``0.39·ASL + 11.8·ASW − 15.59``. Kincaid, Fishburne, Rogers &
  Chissom (1975), *Derivation of new readability formulas … for Navy enlisted personnel*, Research Branch
  Report 8-75, Naval Technical Training Command. The English grade ``check`` enforces is textstat's; this
  definition only ranks English sentences.
- **Fernández-Huerta** (Spanish): ``206.84 − 60·ASW − 1.02·ASL``. Fernández Huerta, J. (1959), "Medidas
  sencillas de lecturabilidad", *Consigna* 214: 29–32; as corrected (the printed formula subtracted
  sentences per 100 words where Flesch's has words per sentence; G. Law, LINGUIST List 22.2332, 2011).
- **Szigriszt-Pazos perspicuity, INFLESZ scale** (Spanish): ``206.835 − 62.3·ASW − ASL``. Szigriszt
  Pazos, F. (1993), *Sistemas predictivos de legibilidad del mensaje escrito: fórmula de perspicuidad*,
  doctoral thesis, Universidad Complutense de Madrid; the scale for health texts from Barrio-Cantalejo,
  I. M. et al. (2008), "Validación de la Escala INFLESZ para evaluar la legibilidad de los textos dirigidos a
  pacientes", *Anales del Sistema Sanitario de Navarra* 31(2): 135–152.
- **Kandel–Moles** (French): ``207 − 1.015·ASL − 73.6·ASW``. Kandel, L. & Moles, A. (1958), "Application de
  l'indice de Flesch à la langue française", *Cahiers Études de Radio-Télévision* 19: 253–274.
- **Wiener Sachtextformel, first form** (German): ``0.1935·MS + 0.1672·SL + 0.1297·IW − 0.0327·ES − 0.875``,
  with MS the percentage of words of three syllables or more, SL the average sentence length, IW the
  percentage of words of more than six letters and ES the percentage of one-syllable words. Bamberger, R. &
  Vanecek, E. (1984), *Lesen – Verstehen – Lernen – Schreiben*, Wien: Jugend und Volk.
- **Gulpease** (Italian): ``89 + (300·sentences − 10·letters) / words``. Lucisano, P. & Piemontese, M. E.
  (1988), "GULPEASE: una formula per la predizione della difficoltà dei testi in lingua italiana",
  *Scuola e Città* 39(3): 110–124.
- **Oborneva** (Russian): ``206.835 − 1.3·ASL − 60.1·ASW``, Flesch's reading ease with coefficients fitted
  to Russian. Oborneva, I. V. (2006), *Автоматизированная оценка сложности учебных текстов на основе
  статистических параметров*, candidate's dissertation, Moscow.
- **Flesch, adapted for Brazilian Portuguese**: ``248.835 − 1.015·ASL − 84.6·ASW``. Martins, T. B. F.,
  Ghiraldelo, C. M., Nunes, M. G. V. & Oliveira Jr., O. N. (1996), *Readability formulas applied to
  textbooks in Brazilian Portuguese*, Notas do ICMSC-USP, Série Computação 28.

Arabic, Hindi, Chinese and Vietnamese have no formula here: none has been validated that works on the
counts above (Chinese has no spaces between words; a Vietnamese "word" is a syllable), and a formula made
for another language would give a number that means nothing. They are reported as not measured.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import textstat

from . import syllables as syl
from .sentences import Counts

Scale = Literal["ease", "grade"]


def _asl(c: Counts) -> float:
    return c.words / c.sentences


def _asw(c: Counts) -> float:
    return c.syllables / c.words


def _percent(part: int, c: Counts) -> float:
    return 100.0 * part / c.words


# Flesch's own reading-ease levels (1948), which Kandel–Moles and Oborneva keep for their scales.
FLESCH_BANDS = (
    (90.0, "very easy"),
    (80.0, "easy"),
    (70.0, "fairly easy"),
    (60.0, "standard"),
    (50.0, "fairly difficult"),
    (30.0, "difficult"),
    (float("-inf"), "very confusing"),
)


@dataclass(frozen=True)
class Formula:
    id: str  # as written in scarleaflets.toml
    name: str
    short: str  # a column header
    scale: Scale
    compute: Callable[[Counts], float]
    bands: tuple[tuple[float, str], ...] = ()  # ease: (lowest score, label), easiest first
    default_target: float = 0.0

    def score(self, counts: Counts) -> float | None:
        """The score of these counts, or None for text without words."""
        if counts.words == 0 or counts.sentences == 0:
            return None
        return self.compute(counts)

    def band(self, value: float) -> str:
        return next((label for lowest, label in self.bands if value >= lowest), "")

    def meets(self, value: float, limit: float) -> bool:
        return value >= limit if self.scale == "ease" else value <= limit


FLESCH_KINCAID = Formula(
    "flesch-kincaid",
    "Flesch–Kincaid grade",
    "FK",
    "grade",
    lambda c: 0.39 * _asl(c) + 11.8 * _asw(c) - 15.59,
    default_target=8.0,
)
FERNANDEZ_HUERTA = Formula(
    "fernandez-huerta",
    "Fernández-Huerta reading ease",
    "F-Huerta",
    "ease",
    lambda c: 206.84 - 60.0 * _asw(c) - 1.02 * _asl(c),
    ((90, "muy fácil"), (80, "fácil"), (70, "algo fácil"), (60, "normal"), (50, "algo difícil"),
     (30, "difícil"), (float("-inf"), "muy difícil")),
    70.0,
)  # fmt: skip
INFLESZ = Formula(
    "inflesz",
    "Szigriszt-Pazos perspicuity (INFLESZ scale)",
    "INFLESZ",
    "ease",
    lambda c: 206.835 - 62.3 * _asw(c) - _asl(c),
    ((80, "muy fácil"), (65, "bastante fácil"), (55, "normal"), (40, "algo difícil"),
     (float("-inf"), "muy difícil")),
    55.0,
)  # fmt: skip
KANDEL_MOLES = Formula(
    "kandel-moles",
    "Kandel–Moles reading ease",
    "K-Moles",
    "ease",
    lambda c: 207.0 - 1.015 * _asl(c) - 73.6 * _asw(c),
    FLESCH_BANDS,
    60.0,
)
WIENER_SACHTEXTFORMEL = Formula(
    "wiener-sachtextformel",
    "Wiener Sachtextformel (1st form)",
    "WSTF",
    "grade",
    lambda c: (
        0.1935 * _percent(c.polysyllables, c)
        + 0.1672 * _asl(c)
        + 0.1297 * _percent(c.long_words, c)
        - 0.0327 * _percent(c.monosyllables, c)
        - 0.875
    ),
    default_target=8.0,
)
GULPEASE = Formula(
    "gulpease",
    "Gulpease index",
    "Gulpease",
    "ease",
    lambda c: 89.0 + (300.0 * c.sentences - 10.0 * c.letters) / c.words,
    ((80, "facile (licenza elementare)"), (60, "facile (licenza media)"), (40, "facile (diploma superiore)"),
     (float("-inf"), "difficile")),
    60.0,
)  # fmt: skip
OBORNEVA = Formula(
    "oborneva",
    "Oborneva reading ease",
    "Oborneva",
    "ease",
    lambda c: 206.835 - 1.3 * _asl(c) - 60.1 * _asw(c),
    FLESCH_BANDS,
    60.0,
)
FLESCH_PORTUGUESE = Formula(
    "flesch-martins",
    "Flesch reading ease for Portuguese (Martins et al.)",
    "Flesch-PT",
    "ease",
    lambda c: 248.835 - 1.015 * _asl(c) - 84.6 * _asw(c),
    ((75, "muito fácil"), (50, "fácil"), (25, "difícil"), (float("-inf"), "muito difícil")),
    50.0,
)


def _english_syllables(word: str) -> int:
    return int(textstat.syllable_count(word))


@dataclass(frozen=True)
class Language:
    """How a language is measured: its formulas (the first is its default), syllables and abbreviations."""

    code: str
    formulas: tuple[Formula, ...]
    syllables: Callable[[str], int]
    abbreviations: frozenset[str] = frozenset()
    ordinal_dot: bool = False  # "am 3. Tag": a number with a full stop does not end a sentence

    @property
    def default(self) -> Formula:
        return self.formulas[0]

    def formula(self, formula_id: str) -> Formula | None:
        return next((f for f in self.formulas if f.id == formula_id), None)


def _abbreviations(text: str) -> frozenset[str]:
    return frozenset(text.split())


LANGUAGES: dict[str, Language] = {
    language.code: language
    for language in (
        Language("en", (FLESCH_KINCAID,), _english_syllables, _abbreviations("e.g i.e etc approx dr vs")),
        Language("es", (INFLESZ, FERNANDEZ_HUERTA), syl.spanish, _abbreviations("p ej etc aprox dr dra")),
        Language("fr", (KANDEL_MOLES,), syl.french, _abbreviations("p ex env etc dr cf")),
        Language(
            "de",
            (WIENER_SACHTEXTFORMEL,),
            syl.german,
            _abbreviations("z b d h u a ca bzw usw evtl ggf vgl dr nr"),
            ordinal_dot=True,
        ),
        Language("it", (GULPEASE,), syl.italian, _abbreviations("es ecc dott dr")),
        Language("ru", (OBORNEVA,), syl.russian, _abbreviations("т е д др пр см напр")),
        Language("pt", (FLESCH_PORTUGUESE,), syl.portuguese, _abbreviations("ex p etc aprox dr dra")),
    )
}


def language_of(locale: str) -> Language | None:
    """The measure of a locale (``pt_BR`` is measured as ``pt``), or None where no formula is validated."""
    return LANGUAGES.get(locale) or LANGUAGES.get(locale.split("_")[0])
