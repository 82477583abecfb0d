"""content/readability/targets.py and score.py: each language's target, and the sentences a failure names."""

from __future__ import annotations

import pytest

from scarleaflets.config import LanguageTarget, ReadabilitySettings
from scarleaflets.content.readability import LANGUAGES, Unit, measure_units, resolve_targets
from scarleaflets.content.readability import formulas as f
from scarleaflets.errors import ConfigError


def table(locale: str, line: int = 4, **values: object) -> LanguageTarget:
    lines = {"": line, **{key: line + 1 + index for index, key in enumerate(values)}}
    return LanguageTarget(locale, **values, lines=lines)


def test_defaults_are_each_formulas_patient_information_target():
    targets = resolve_targets(ReadabilitySettings(), max_grade=8.0)
    described = {
        locale: targets.for_locale(locale) for locale in ("en", "es", "fr", "de", "it", "ru", "pt_BR")
    }
    assert {locale: t.description for locale, t in described.items() if t} == {
        "en": "FK ≤ 8",
        "es": "INFLESZ ≥ 55",
        "fr": "K-Moles ≥ 60",
        "de": "WSTF ≤ 8",
        "it": "Gulpease ≥ 60",
        "ru": "Oborneva ≥ 60",
        "pt_BR": "Flesch-PT ≥ 50",
    }
    assert described["en"].on_failure == "error"  # the English grade always fails check
    assert {t.on_failure for locale, t in described.items() if locale != "en"} == {"warn"}
    assert targets.for_locale("ar") is None
    assert targets.for_locale("zh_Hans") is None


def test_tables_choose_the_formula_the_target_and_what_a_miss_is():
    settings = ReadabilitySettings(
        on_failure="error",
        languages=(
            table("es", formula="fernandez-huerta", min_score=70.0, on_failure="warn"),
            table("pt", min_score=45.0),
            table("de", max_grade=9.0),
        ),
    )
    targets = resolve_targets(settings, max_grade=7.0)
    es, pt_br, de, fr = (targets.for_locale(code) for code in ("es", "pt_BR", "de", "fr"))
    assert (es.formula, es.limit, es.on_failure) == (f.FERNANDEZ_HUERTA, 70.0, "warn")
    assert (pt_br.locale, pt_br.limit, pt_br.on_failure) == ("pt_BR", 45.0, "error")  # from [readability.pt]
    assert (de.limit, fr.limit, fr.on_failure) == (9.0, 60.0, "error")
    assert targets.for_locale("en").limit == 7.0
    assert targets.for_locale("en_GB").limit == 7.0  # a regional English catalog reads to the English grade
    assert es.meets(70.0)
    assert not es.meets(69.9)
    assert de.meets(9.0)
    assert not de.meets(9.1)


@pytest.mark.parametrize(
    ("target", "message"),
    [
        (table("es", formula="flesch"), r"scarleaflets.toml:5: \[readability.es\] formula 'flesch' is not one for "
         r"this language; use one of inflesz, fernandez-huerta"),
        (table("fr", formula="gulpease"), r"scarleaflets.toml:5: .* use kandel-moles$"),
        (table("de", min_score=60.0), r"scarleaflets.toml:5: \[readability.de\] Wiener Sachtextformel \(1st form\) "
         r"is a grade \(lower is easier\): set max_grade, not min_score"),
        (table("es", max_grade=8.0), r"scarleaflets.toml:5: .* is a reading-ease score \(higher is easier\): set "
         r"min_score, not max_grade"),
        (table("ar", line=9, min_score=60.0), r"scarleaflets.toml:9: \[readability.ar\]: no readability formula is "
         r"validated for 'ar'"),
        (table("en", line=2), r"scarleaflets.toml:2: \[readability.en\]: English.*\[check\] max_grade"),
        (table("en_GB", line=2), r"scarleaflets.toml:2: \[readability.en_GB\]: English"),
    ],
)  # fmt: skip
def test_targets_no_formula_can_meet_are_refused_with_file_and_line(target, message):
    with pytest.raises(ConfigError, match=message):
        resolve_targets(ReadabilitySettings(languages=(target,)), max_grade=8.0)


def test_the_hardest_sentences_are_the_ones_whose_removal_helps_most():
    spanish = LANGUAGES["es"]
    units = [
        Unit(
            "Cuidados.", "es.po", 10
        ),  # a one-word heading: leaving it out makes sentences longer on average
        Unit("La piel sana sola.", "es.po", 20),
        Unit(
            "La hiperpigmentación postinflamatoria desaparece progresivamente con fotoprotección "
            "meticulosa, constante y prolongada durante numerosos meses.",
            "es.po",
            30,
        ),
        Unit("Use crema. Evite el sol.", "es.po", 40),
    ]
    score = measure_units(units, spanish, f.INFLESZ)
    assert score.counts.sentences == 5
    hardest = score.hardest(3)
    assert hardest[0].where == "es.po:30"
    assert "es.po:10" not in [s.where for s in hardest]
    assert all(score.gain(s) > 0 for s in hardest)
    assert [s.where for s in score.long_sentences(12)] == ["es.po:30"]
    assert score.long_sentences(25) == []
