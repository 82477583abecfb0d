"""content/readability.py: each text is measured as a sentence; harder text scores a higher grade."""

from __future__ import annotations

from scarleaflets.content import load_content
from scarleaflets.content.readability import measure, measure_topic, prose

from ..conftest import FIXTURE_TODAY


def test_prose_ends_every_unit_like_a_sentence_and_skips_review_roles(mini_project):
    sample = load_content(mini_project, FIXTURE_TODAY).topics["sample"]
    lines = prose(sample).splitlines()
    assert lines[0] == "A sample topic."
    assert "Introduction." in lines
    assert "Is this a question?" in lines
    assert "Content editor." not in lines
    assert all(line.endswith((".", "?", "!", ":", "…")) for line in lines)


def test_simple_text_reads_lower_than_dense_text():
    simple = measure("A mark is flat. It fades in time. Sun makes it dark. Wear sunscreen each day.")
    dense = measure(
        "Postinflammatory hyperpigmentation characteristically demonstrates considerable persistence "
        "in individuals with constitutionally darker pigmentation, particularly following inflammatory "
        "dermatological conditions, necessitating comprehensive photoprotective interventions."
    )
    assert simple.grade < 4 < 12 < dense.grade
    assert simple.sentences == 4
    assert simple.words == 16


def test_measure_topic_counts_the_whole_topic(mini_project):
    sample = load_content(mini_project, FIXTURE_TODAY).topics["sample"]
    result = measure_topic(sample)
    assert result.words > 30
    assert result.grade < 8
