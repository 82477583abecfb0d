"""The shipped content: every required topic exists, is sourced, and repeats none of the marketing errors
listed at the end of ../shared/CONTENT-FACTS.md. These are guards for editors, not proof of accuracy: a
clinician's review is still required (every topic says `status: draft` until then)."""

from __future__ import annotations

import re

import pytest

from scarleaflets.content import ContentSet, block_messages
from scarleaflets.content.readability import measure_topic

REQUIRED_TOPICS = {
    "marks-vs-scars",
    "scar-types",
    "causes",
    "prevention",
    "topical-treatments",
    "chemical-peels",
    "microdermabrasion",
    "microneedling",
    "prp-microneedling",
    "lasers",
    "dermal-fillers",
    "subcision",
    "punch-techniques",
    "light-therapy",
    "raised-scar-treatments",
    "choosing-a-treatment",
    "questions-to-ask",
    "aftercare",
    "when-to-see-a-dermatologist",
}

# Marketing language and factual errors that must never reach a patient.
FORBIDDEN = [
    r"white blood cell",
    r"leu[ck]ocyte",
    r"cellulite",
    r"\bpainless\b",
    r"\bno risks?\b",
    r"\brisk[- ]free\b",
    r"\bdramatic",
    r"\bguarantee",
    r"\bbest\b",
    r"\bamazing\b",
    r"\bmiracle",
    r"\brevolutionary\b",
    r"\bflawless\b",
    r"\bscar[- ]free\b",
    r"\b100 ?%",
    r"\bpermanent(ly)? (results|removal|cure)",
    r"\bour (cream|serum|product|clinic)",
    r"®|™",
]
# A sentence that speaks of removing something must be about skin layers or say what treatment cannot do.
REMOVAL_HEDGES = re.compile(
    r"\b(not|rarely|cannot|can't|never|no|wary|layers?|cells|pit|without)\b", re.IGNORECASE
)
REPUTABLE = ("aad.org", "nhs.uk", "dermnetnz.org", "doi.org", "ncbi.nlm.nih.gov")


def _sentences(content: ContentSet):
    for topic in content:
        for _, msg in topic.messages():
            for sentence in re.split(r"(?<=[.!?])\s+", msg.text):
                yield topic.id, sentence


def test_every_required_topic_exists(shipped_content):
    assert set(shipped_content.topics) >= REQUIRED_TOPICS


@pytest.mark.parametrize("pattern", FORBIDDEN)
def test_no_marketing_errors(shipped_content, pattern):
    hits = [(tid, s) for tid, s in _sentences(shipped_content) if re.search(pattern, s, re.IGNORECASE)]
    assert hits == []


def test_removal_is_never_promised(shipped_content):
    promises = [
        (tid, s)
        for tid, s in _sentences(shipped_content)
        if re.search(r"\b(remov|erase|get rid of)", s, re.IGNORECASE) and not REMOVAL_HEDGES.search(s)
    ]
    assert promises == []


def test_every_topic_cites_reputable_sources_and_review_dates(shipped_content):
    for topic in shipped_content:
        assert len(topic.sources) >= 2, topic.id
        assert any(any(host in source.link for host in REPUTABLE) for source in topic.sources), topic.id
        assert topic.review.next_review_due > topic.review.reviewed_on


def test_every_topic_reads_at_or_below_grade_8(shipped_content):
    grades = {topic.id: measure_topic(topic).grade for topic in shipped_content}
    assert {tid: g for tid, g in grades.items() if g > 8.0} == {}


def test_prp_is_described_as_platelets(shipped_content):
    text = " ".join(msg.text for _, msg in shipped_content.topics["prp-microneedling"].messages())
    assert "platelet" in text.lower()


def test_light_therapy_says_it_treats_active_acne_not_scars(shipped_content):
    topic = shipped_content.topics["light-therapy"]
    helps = next(s for s in topic.sections if s.id == "what-it-helps")
    text = " ".join(msg.text for block in helps.blocks for msg in block_messages(block)).lower()
    assert "active acne" in text
    assert re.search(r"\b(not|little)\b[^.]*\bscars?\b", text)


def test_scar_types_have_illustrations_with_alt_text(shipped_content):
    topic = shipped_content.topics["scar-types"]
    assert len(topic.figures) >= 5
    for figure in topic.figures:
        assert len(figure.alt.text.split()) >= 5
        assert figure.path.is_file()
