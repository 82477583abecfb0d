"""Failed sign-ins to the web service, kept in the database so that every instance shares one count: the
queries behind :class:`scarleaflets.web.signins.FailedSignIns`. Keys are a keyed hash of the client's address,
or a brand id; never an address.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa

from .database import Database
from .schema import naive_utc, sign_in_failures


class SignInRecords(Database):
    """Record failed sign-ins and find when a key's limit was reached."""

    def nth_newest_failure(self, kind: str, key: str, since: dt.datetime, n: int) -> dt.datetime | None:
        """The time of the ``n``-th newest failure of this key after ``since`` (None when fewer): while it lies
        inside the window, the key has reached a limit of ``n``. Naive UTC, as stored."""
        with self.engine.connect() as connection:
            found: dt.datetime | None = connection.execute(
                sa.select(sign_in_failures.c.at)
                .where(
                    sign_in_failures.c.key_kind == kind,
                    sign_in_failures.c.key == key,
                    sign_in_failures.c.at > naive_utc(since),
                )
                .order_by(sign_in_failures.c.at.desc())
                .offset(n - 1)
                .limit(1)
            ).scalar()
            return found

    def record_sign_in_failures(
        self, keys: Sequence[tuple[str, str]], now: dt.datetime, forget_before: dt.datetime
    ) -> None:
        """One failure for each (kind, key) at ``now``; failures before ``forget_before`` are dropped."""
        with self.transaction() as connection:
            connection.execute(
                sign_in_failures.delete().where(sign_in_failures.c.at <= naive_utc(forget_before))
            )
            connection.execute(
                sign_in_failures.insert(),
                [{"key_kind": kind, "key": key, "at": naive_utc(now)} for kind, key in keys],
            )
