"""idle.py: the look at the store before a send pass says "nothing due" only when the pass would claim nothing,
and shares its values with the store it reads."""

from __future__ import annotations

import datetime as dt

import pytest

from scarleaflets import idle
from scarleaflets.mail import service
from scarleaflets.mail.enrollment_requests import Enrollment
from scarleaflets.mail.store import PlannedDelivery, Store, default_url, schema

START = dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC)


def test_the_values_it_shares_with_the_store_agree(tmp_path):
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    assert (idle.PENDING, idle.DEFERRED, idle.CLAIMED) == (schema.PENDING, schema.DEFERRED, schema.CLAIMED)
    assert idle.LEASE == service.LEASE
    assert service.PassReport().summary() == idle.IDLE_SUMMARY
    assert default_url(tmp_path) == f"sqlite:///{tmp_path / idle.DEFAULT_DB}"
    config = Config()
    config.set_main_option("script_location", str(idle.MIGRATIONS.parent))
    assert ScriptDirectory.from_config(config).get_current_head() == idle.head_revision()


def _enroll(store: Store, index: int, days: tuple[int, ...]) -> None:
    new = Enrollment(f"p{index}@example.org", None, "en", "mini", "s", "UTC", START.date(), START, "form")
    planned = [PlannedDelivery(f"step{i}", i, START + dt.timedelta(days=day)) for i, day in enumerate(days)]
    store.enroll(
        new, f"{index:064d}", planned, START, lambda enrollment, step: f"<{enrollment}.{step}@example.org>"
    )


def _claimable(store: Store, now: dt.datetime) -> bool:
    with store.engine.connect() as connection:
        return bool(connection.execute(store.due_query(now, 10, idle.LEASE)).all())


def test_it_says_nothing_is_due_only_when_the_pass_would_claim_nothing(tmp_path):
    url = f"sqlite:///{tmp_path / 'mail.db'}"
    assert not idle.nothing_due(url, tmp_path, START)  # no database yet: the pass makes it
    store = Store.open(url)
    assert idle.nothing_due(url, tmp_path, START)  # empty
    _enroll(store, 1, (0, 3))
    _enroll(store, 2, (2, 5))
    answers = []
    moments = [START + dt.timedelta(hours=hours) for hours in (-1, 0, 1, 30, 47, 49, 72, 200)]
    (claimed,) = store.claim_due(START, 1, "gone", idle.LEASE)  # a worker that died holding a claim
    moments += [START + dt.timedelta(minutes=minutes) for minutes in (5, 9, 11, 60)]
    for now in sorted(moments):
        answer = idle.nothing_due(url, tmp_path, now)
        assert not (answer and _claimable(store, now)), now  # "nothing due" is never wrong
        answers.append(answer)
    assert answers == [True] * 4 + [False] * 8  # until the claim expires at 10 minutes; then it is due again
    store.record_sent(claimed.id, "gone", START)
    assert idle.nothing_due(url, tmp_path, START + dt.timedelta(hours=30))  # the next steps are days away
    assert not idle.nothing_due(url, tmp_path, START + dt.timedelta(hours=49))
    store.close()


@pytest.mark.parametrize(
    "url", ["postgresql+psycopg://localhost/x", "sqlite://", "sqlite:///:memory:", "sqlite:///x.db?mode=ro"]
)
def test_for_any_other_store_it_leaves_the_answer_to_the_pass(url, tmp_path):
    assert not idle.nothing_due(url, tmp_path, START)


def test_a_store_with_an_older_schema_is_left_to_the_pass_which_migrates_it(tmp_path):
    url = f"sqlite:///{tmp_path / 'mail.db'}"
    Store.open(url).close()
    import sqlite3

    with sqlite3.connect(tmp_path / "mail.db") as connection:
        connection.execute("UPDATE alembic_version SET version_num = '0006'")
    assert not idle.nothing_due(url, tmp_path, START)
