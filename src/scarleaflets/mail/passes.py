"""The bookkeeping of one send pass, apart from the sending itself (``service``): what a pass reports, what
makes a delivery *blocked* (its brand, series, step or language is not in the loaded content) and how an
unexpected failure of one delivery is described for its last error — in one line, without any address.
"""

from __future__ import annotations

import datetime as dt
import traceback
from collections import Counter
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..brands import Brand
from ..content.series import Series
from ..errors import ScarleafletsError
from ..i18n.locales import SOURCE_LOCALE
from .store import ADDRESS_LIKE, DueDelivery

# How often a delivery blocked by missing content is tried again: a `send-due` run from cron after the content
# is fixed picks it up within this time (a running worker keeps the content it loaded: restart it).
BLOCKED_RETRY = dt.timedelta(minutes=15)


@dataclass
class PassReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    postponed: int = 0
    stopped: bool = False
    halted: str = ""  # the sender or server problem that stopped the pass (stage, code, text); "" if none
    given_back: int = 0  # deliveries left due, uncharged, because the pass stopped
    cancelled: int = 0  # claimed, then unsubscribed or suppressed before they were sent: not sent
    blocked: int = 0  # their step, series, brand or language is not in the loaded content: tried again later
    reasons: Counter[tuple[str, str]] = field(default_factory=Counter)  # (outcome, reason) -> deliveries

    def summary(self) -> str:
        line = f"{self.sent} sent, {self.retried} to retry, {self.failed} failed, {self.postponed} waiting"
        return line + (f", {self.blocked} blocked" if self.blocked else "")


@dataclass(frozen=True)
class Blocked:
    """A delivery given back, uncharged, because the content it needs is missing (``Store.record_blocked``)."""

    reason: str


def missing_content(
    due: DueDelivery,
    brands: Mapping[str, Brand],
    series: Mapping[str, Series],
    locales: Collection[str],
    load_language: Callable[[str], object],
    release_id: str,
) -> str | None:
    """Why this delivery cannot be composed from the loaded content, or None. ``locales`` are the languages
    with a catalog; ``load_language`` loads one (raising ScarleafletsError when it cannot). Patients keep the
    steps they were enrolled with, so a step renamed since is missing, not replaced."""
    where = f"release {release_id}"
    if due.enrollment.brand not in brands:
        return f"brand {due.enrollment.brand!r} not in the current content ({where})"
    chosen = series.get(due.enrollment.series)
    if chosen is None:
        return f"series {due.enrollment.series!r} not in the current content ({where})"
    if all(step.id != due.step for step in chosen.steps):
        return f"step {due.step!r} not in the current content (series {chosen.id}, {where})"
    if due.enrollment.locale != SOURCE_LOCALE and due.enrollment.locale not in locales:
        return f"language {due.enrollment.locale!r} not in the current content ({where})"
    try:
        load_language(due.enrollment.locale)
    except ScarleafletsError as exc:
        return f"language {due.enrollment.locale!r} cannot be loaded ({where}): {_first_line(exc)}"
    return None


def described(exc: Exception) -> str:
    """An unexpected exception in one line, for a delivery's last error: its kind, its first line (any address
    masked) and where it was raised (file and line, for whoever fixes it)."""
    frames = traceback.extract_tb(exc.__traceback__)
    where = f" (at {Path(frames[-1].filename).name}:{frames[-1].lineno})" if frames else ""
    return f"{type(exc).__name__}: {ADDRESS_LIKE.sub('<address>', _first_line(exc))}"[:300] + where


def _first_line(exc: Exception) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else ""
