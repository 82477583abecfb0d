"""mail/moving.py: what a patient moved onto a new series still gets — no step sent twice, no topic taught
twice, the new series' order kept."""

from __future__ import annotations

from scarleaflets.content.series import Series, Step
from scarleaflets.mail.moving import plan_move, taught_topics


def series(*steps: tuple[str, int, tuple[str, ...]]) -> Series:
    return Series(
        "s",
        "s.yaml",
        "S",
        tuple(
            Step(step_id, day, topics, (), "subject", "preheader", "intro") for step_id, day, topics in steps
        ),  # type: ignore[arg-type]
    )


OLD = series(("welcome", 0, ("marks",)), ("types", 3, ("types",)), ("causes", 7, ("causes", "prevention")))
NEW = series(
    ("welcome", 0, ("marks",)),
    ("types", 2, ("types",)),
    ("causes", 4, ("causes",)),
    ("prevention", 6, ("prevention",)),
    ("lasers", 9, ("lasers",)),
)


def test_steps_sent_and_topics_taught_are_left_out_in_the_new_order():
    done = ["welcome", "causes"]  # the old 'causes' step taught causes and prevention
    plan = plan_move(done, taught_topics(done, OLD), NEW)
    assert [step.id for step in plan.steps] == ["types", "lasers"]
    assert [step.id for step in plan.taught] == ["prevention"]


def test_without_the_old_series_only_the_steps_sent_are_left_out():
    plan = plan_move(["welcome"], taught_topics(["welcome"], None), NEW)
    assert [step.id for step in plan.steps] == ["types", "causes", "prevention", "lasers"]
    assert plan.taught == ()


def test_a_patient_who_got_nothing_yet_gets_the_whole_new_series():
    assert [step.id for step in plan_move([], set(), NEW).steps] == [s.id for s in NEW.steps]
