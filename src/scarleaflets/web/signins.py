"""Failed sign-ins to the web service, counted in the database so that every instance shares the count.

A wrong or missing API bearer token or gallery password is one failure for the client's address and one for
the brand the attempt names. While a key has reached its limit within the window, the service answers 429
with Retry-After without looking at the credentials. The counts live in the ``sign_in_failures`` table, not
in a process: two ``serve`` instances behind one proxy allow the quota once between them, not once each, and
a restart forgets nothing. The address is stored only as a keyed hash (:func:`signing.client_key`); rows older
than the window are deleted whenever a failure is recorded, so the table holds at most one window's failures.

The check and the record are two short transactions, not one: requests that fail at the same moment on
several instances may each pass the check, so up to the number of requests in flight at once can slip past the
limit at its edge, never more. A database error propagates (the web service answers 503), so an outage
refuses sign-ins rather than letting them through uncounted.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass

from ..mail.store import Store, naive_utc
from ..signing import client_key


@dataclass(frozen=True)
class SignInLimits:
    """How many failed sign-ins (API bearer token, gallery password) are allowed in a window before the
    service answers 429: per client address, and per brand that the attempts name."""

    per_address: int = 10
    per_brand: int = 30
    window_seconds: float = 600.0


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class FailedSignIns:
    """Failed sign-ins per client address and per brand, in a sliding window, kept in the store's database."""

    def __init__(
        self,
        store: Store,
        secret: bytes,
        limits: SignInLimits,
        clock: Callable[[], dt.datetime] = _utc_now,
    ) -> None:
        self.store = store
        self.secret = secret
        self.limits = limits
        self.clock = clock

    def _keys(self, address: str, brand: str | None) -> list[tuple[str, str, int]]:
        """(kind, key, limit) for the client's address (hashed) and the brand named, if any."""
        keys = [("address", client_key(self.secret, address), self.limits.per_address)]
        return [*keys, ("brand", brand, self.limits.per_brand)] if brand else keys

    def retry_after(self, address: str, brand: str | None) -> int:
        """Seconds until this address and brand may try again (0: they may now)."""
        now = self.clock()
        window = dt.timedelta(seconds=self.limits.window_seconds)
        wait = 0.0
        for kind, key, limit in self._keys(address, brand):
            # The limit-th newest failure inside the window: the key is locked until it leaves the window.
            oldest_counted = self.store.nth_newest_failure(kind, key, now - window, limit)
            if oldest_counted is not None:
                wait = max(wait, (oldest_counted + window - naive_utc(now)).total_seconds())
        return math.ceil(wait)

    def failed(self, address: str, brand: str | None) -> None:
        """Count one failure for the address and the brand named; drop failures that left the window."""
        now = self.clock()
        self.store.record_sign_in_failures(
            [(kind, key) for kind, key, _ in self._keys(address, brand)],
            now,
            forget_before=now - dt.timedelta(seconds=self.limits.window_seconds),
        )
