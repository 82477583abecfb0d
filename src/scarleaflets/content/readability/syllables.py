"""Syllables of a written word, counted from its vowel letters, one counter per language.

Each readability formula was calibrated on syllables counted by hand, as a reader says the word. No rule set
gets every word right; these counters follow the spelling rules of each language closely enough that a
topic's average (the only thing the formulas use) is off by a few hundredths of a syllable a word. What each
one does, and where it is knowingly wrong:

- **Spanish**: one syllable per vowel nucleus. Adjacent vowels form a diphthong (one syllable) unless both
  are strong (a, e, o) or one is an accented í or ú (hiatus: *dí-a*, *pa-ís*, *le-er*). The silent u of
  *que, qui, gue, gui* is not a vowel; y is a vowel only where no vowel follows it (*muy*, *y*, not *yo*).
- **Portuguese**: the Spanish rules, plus the nasal diphthongs ão, ãe, õe (one syllable). Final -ia, -io
  (*farmácia*) count as diphthongs, as most Brazilian grammars divide them.
- **French**: one syllable per group of vowel letters (ai, au, eau, ou, oi, eu, œu … are one), except that
  é starts a new syllable before another vowel (*ré-ac-tion*) and ë, ï, ü after a vowel mark a new one
  (*na-ïf*); the u of qu, and of gu before e, i, y, is silent; a final -e or -es after another vowel group is
  silent (*grande* is one syllable, *les* one, *journée* two). The silent verb ending -ent cannot be told from
  a said one without a dictionary (*peuvent* against *souvent*), so it is counted: in the shipped French that
  is about 2% of the words, which lowers a topic's Kandel–Moles score by up to 2 points.
- **German**: one syllable per vowel group, where the diphthongs and long vowels ai, au, ei, eu, äu, ie, aa,
  ee, oo are one and other adjacent vowels are two (*The-a-ter*, *Bau-er*); the u after q is not a vowel. The
  loan-word ie that is two syllables (*Pa-ti-ent*, *Stu-di-e*) counts as one (0.4% of the shipped German words).
- **Russian**: every vowel letter (а е ё и о у ы э ю я) is exactly one syllable; this is exact.
- **Italian**: vowel groups, where two adjacent strong vowels (a, e, o) are two syllables (*po-e-ta*). Only
  the word statistics use it: the Gulpease index counts letters, not syllables.

Every language: a word with no vowel letter (a number, an abbreviation such as *UV*) counts one syllable,
except a single consonant letter (the Russian prepositions в, с, к), which counts none.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Set
from itertools import pairwise

SyllableCounter = Callable[[str], int]

# Spanish and Portuguese: strong vowels, and the accented weak vowels that break a diphthong like them.
_IBERIAN_STRONG = set("aeoáéóâêôãõà") | set("íú")
_IBERIAN_VOWELS = "aeiouáéíóúüâêôãõà"
_PT_NASAL = {"ão", "ãe", "õe"}
_SILENT_U = re.compile(r"(?<=[qg])u(?=[eiéíêè])")

_IT_VOWELS = "aeiouàèéìíòóù"
_IT_STRONG = set("aeoàèéòó")

_FR_VOWELS = "aeiouyàâäéèêëîïôöùûüÿœæ"
_FR_TREMA = "ëïü"
_FR_SILENT_U = re.compile(r"(?<=q)u|(?<=g)u(?=[eéèêiîïy])")
_FR_SILENT_END = re.compile(r"(?<=[^aeiouyàâäéèêëîïôöùûüÿœæ])es?$")
_FR_SILENT_AFTER_E_ACUTE = re.compile(r"(?<=é)es?$")

_DE_VOWELS = "aeiouäöüy"
_DE_ONE_NUCLEUS = ("äu", "ai", "au", "ei", "eu", "ie", "aa", "ee", "oo", "ey", "ay")

_RU_VOWELS = set("аеёиоуыэюя")


def _no_vowel(word: str) -> int:
    """A word without vowel letters: a number or abbreviation is said as one syllable at least; a lone
    consonant (a Russian preposition) is said with the next word."""
    return 0 if len(word) == 1 and word.isalpha() else 1


def _nuclei(letters: str, vowels: str, strong: set[str], joined: Set[str] = frozenset()) -> int:
    """Vowel groups, where two adjacent strong vowels are two syllables unless the pair is in ``joined``."""
    count = 0
    previous = ""
    for char in letters:
        if char not in vowels:
            previous = ""
            continue
        if not previous or (previous in strong and char in strong and previous + char not in joined):
            count += 1
        previous = char
    return count


def _iberian(word: str, *, nasal: bool) -> int:
    word = _SILENT_U.sub("", word.lower())
    letters = list(word)
    for index, char in enumerate(letters):  # y is a vowel only where no vowel follows it
        if char == "y" and (index + 1 == len(letters) or letters[index + 1] not in _IBERIAN_VOWELS):
            letters[index] = "i"
    joined: Set[str] = _PT_NASAL if nasal else frozenset()
    return _nuclei("".join(letters), _IBERIAN_VOWELS, _IBERIAN_STRONG, joined) or _no_vowel(word)


def spanish(word: str) -> int:
    return _iberian(word, nasal=False)


def portuguese(word: str) -> int:
    return _iberian(word, nasal=True)


def italian(word: str) -> int:
    return _nuclei(word.lower(), _IT_VOWELS, _IT_STRONG) or _no_vowel(word)


def french(word: str) -> int:
    word = _FR_SILENT_AFTER_E_ACUTE.sub("", _FR_SILENT_U.sub("", word.lower()))  # "journée", "créées"
    groups = re.findall(f"[{_FR_VOWELS}]+", word)
    if len(groups) > 1 and _FR_SILENT_END.search(word):
        groups = groups[:-1]  # the silent e of "grande", "cicatrices"
    count = 0
    for group in groups:
        count += 1
        for previous, char in pairwise(group):
            if previous == "é" or char in _FR_TREMA:
                count += 1
    return count or _no_vowel(word)


def german(word: str) -> int:
    word = re.sub(r"(?<=q)u", "", word.lower())
    count = 0
    for group in re.findall(f"[{_DE_VOWELS}]+", word):
        index = 0
        while index < len(group):
            index += 2 if group[index : index + 2] in _DE_ONE_NUCLEUS else 1
            count += 1
    return count or _no_vowel(word)


def russian(word: str) -> int:
    return sum(1 for char in word.lower() if char in _RU_VOWELS) or _no_vowel(word)
