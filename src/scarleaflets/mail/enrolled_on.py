"""The release a patient was enrolled on, beside the current one: which of the two an email is composed from.

A patient's deliveries are planned from the series of the release current when they were enrolled, and the
enrollment records it. Each email is composed from the current release while the patient's series there still
has that step (so corrected text reaches them), and from the release they were enrolled on when the step was
renamed or removed since: a new series never strands a patient halfway through the old one, until staff move
them (``move-patients``, :mod:`.moving`). Releases are never changed or deleted by scarleaflets; an older one
is read once, when a delivery first needs it.
"""

from __future__ import annotations

from ..config import Project
from ..content.series import Series
from ..errors import ScarleafletsError
from ..releases import ContentSource, load_release
from .released import Released
from .store import DueDelivery


class EnrolledOn(Released):
    """The content side of the mail service (:class:`~.service.Mailing`), with the releases patients were
    enrolled on."""

    project: Project

    def __init__(self, source: ContentSource) -> None:
        super().__init__(source)
        self._enrolled_on: dict[str, Released | None] = {}  # older releases patients were enrolled on, by id

    def content_for(self, due: DueDelivery) -> Released:
        """What a delivery is composed from: the current release while the patient's series there still has
        the step; otherwise the release the patient was enrolled on, when it is still there (if not, the
        current release, which then says what is missing)."""
        pinned = due.series_release
        if pinned is None or pinned == self.release_id or _has_step(self, due):
            return self
        older = self.older_release(pinned)
        return older if older is not None and _has_step(older, due) else self

    def followed_series(self, release: str | None, series_id: str, locale: str) -> Series | None:
        """The series a patient followed until now: their release's, or the current one's when unknown."""
        content: Released = self
        if release is not None and release != self.release_id:
            content = self.older_release(release) or self
        try:
            series = content.edition(locale).series if locale in content.published else content.series
        except ScarleafletsError:
            return None
        return series.get(series_id)

    def older_release(self, release: str) -> Released | None:
        """An earlier release patients were enrolled on, read once; None when it is gone or unreadable."""
        if release not in self._enrolled_on:
            try:
                self._enrolled_on[release] = Released(load_release(self.project, int(release)))
            except (ScarleafletsError, ValueError):
                self._enrolled_on[release] = None
        return self._enrolled_on[release]


def _has_step(content: Released, due: DueDelivery) -> bool:
    """Whether the patient's series, as ``content`` has it in the patient's language, has the delivery's step."""
    locale = due.enrollment.locale
    try:
        series = content.edition(locale).series if locale in content.published else content.series
    except ScarleafletsError:
        return False
    chosen = series.get(due.enrollment.series)
    return chosen is not None and any(step.id == due.step for step in chosen.steps)
