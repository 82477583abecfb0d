"""The email series as a service: enroll (one at a time or from CSV), unsubscribe, forget, and send what is
due. It ties the stages together — validation, scheduling (drip), composition, the store and a transport —
and is the one implementation behind the command line and the web API. Its content — brands, series, text,
catalogs and leaflets — comes from one source, read lazily: the current release (``open_mailing``).

Sending is claim → send → record, each a short transaction: two workers never send the same delivery; a
crash after the server accepted a message but before it was recorded leaves the claim to expire, and the
message is sent once more with the same Message-ID; a crash anywhere else loses and duplicates nothing. Right
before a message goes to the mail server its enrollment is checked once more: a patient who unsubscribed
after the claim (on any web service instance) gets nothing more than a message already on its way.

A refusal is the patient's only when the mail server says so about their address (see ``delivery``): then the
delivery fails and the address is suppressed. A sender or server problem (a refused connection, a bad login,
a refused sender, a refused message, or every recipient of a pass refused) stops the pass: nobody is
suppressed or charged an attempt, and every delivery of the pass stays due for the next one. A step is only
claimed once the step before it was delivered or failed for good, and temporary failures are retried for
``retry_hours`` from the first failure, so after an outage of any length the series resumes in order.

Content can change under enrolled patients (a step renamed, a brand, series or language taken out). A delivery
whose step, series, brand or language is not in the current release is *blocked*: given back uncharged with the
reason (``status`` shows it) and tried again every ``BLOCKED_RETRY``, so it goes as soon as a release that has
it again is current; patients keep the steps they were enrolled with, and the steps after a blocked one
wait, in order. Nothing about one delivery stops a pass: any other failure to compose or hand over one email
is recorded on that delivery as a temporary failure, with its reason, and the pass goes on.

Each message's envelope sender is its own return path, ``bounces+d<delivery>-<signature>@clinic`` (signing), so a
bounce or complaint that arrives later names the delivery it is about (see ``bounces``); ``apply_bounce`` is
where its effect is decided: a hard bounce or a complaint suppresses the address for every clinic, a soft
bounce is only recorded. Each delivery records the release its email was composed from: its number
(:attr:`Mailing.release_id`; "working-tree" only for previews and tests).
"""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.exc import SQLAlchemyError

from ..brands import ADDRESS
from ..config import Project
from ..errors import ScarleafletsError
from ..release import WORKING_TREE
from ..releases import ContentSource, MissingRelease, NoReleaseError, load_release
from ..signing import (
    email_hash,
    load_secret,
    message_id,
    normalize_email,
    return_path,
    unsubscribe_token,
    verify_unsubscribe_token,
)
from ..text import BIDI_CONTROL, BIDI_NAMES, CONTROL
from . import drip
from .csv_import import ImportReport, import_csv
from .enrolled_on import EnrolledOn
from .enrollment_requests import (
    NOT_ONE_LINE,
    Enrollment,
    EnrollmentRequest,
    FieldError,
    InvalidEnrollment,
    consent_problems,
    in_zone,
    is_one_line,
    zone_named,
)
from .passes import BLOCKED_RETRY, Blocked, PassReport, described, missing_content
from .released import Released
from .store import (
    ALL_CLINICS,
    CLAIM_LEASE,
    BounceEvent,
    BounceTarget,
    DueDelivery,
    PlannedDelivery,
    Store,
    TokenEnrollment,
)

if TYPE_CHECKING:  # imported where a message is composed or sent: enrolling needs neither (bench/releases.py)
    from .delivery import Outcome, Transport

LEASE = CLAIM_LEASE
STOPPED = "stopped"  # a claimed delivery whose enrollment was unsubscribed or suppressed before it was sent
# The bounce kinds that stop an address for every clinic, and the suppression reason each records.
SUPPRESSING = {"hard": "bounced", "complaint": "complained"}
RETRY_BASE = dt.timedelta(minutes=5)


class Mailing(EnrolledOn):
    """The email series as a service, over one content source: the current release (``open_mailing``), or —
    given only ``today`` — the working tree, read and gated now (previews, tests and benchmarks).

    Content is read from the source on first use (see :class:`~.released.Released`): an idle send pass reads
    none of it. ``release_id`` is the release every message composed here comes from ("working-tree" for the
    working tree)."""

    def __init__(
        self,
        project: Project,
        store: Store,
        secret: bytes,
        today: dt.date | None = None,
        *,
        source: ContentSource | None = None,
    ) -> None:
        self.project = project
        self.store = store
        self.secret = secret
        if source is None:
            from ..releases.working_tree import WorkingTree

            source = WorkingTree(project, today or dt.date.today())
        super().__init__(source)
        self._composed_from: dict[int, str] = {}  # delivery id -> the release its email was composed from

    # validation and enrollment ---------------------------------------------------------------------------

    def validate(self, request: EnrollmentRequest, now: dt.datetime) -> list[FieldError]:
        """Every problem with a request, by field; the same checks for the command line, CSV and the API."""
        today = now.date()
        errors: list[FieldError] = []
        address = request.email.strip()
        if CONTROL.search(request.email) or not ADDRESS.match(address) or len(address) > 254:
            errors.append(FieldError("email", "not a valid e-mail address"))
        if request.name is not None and not is_one_line(request.name):
            errors.append(FieldError("name", NOT_ONE_LINE))
        elif request.name is not None and BIDI_CONTROL.search(request.name):
            errors.append(
                FieldError(
                    "name",
                    f"must not contain invisible bidirectional control characters ({BIDI_NAMES}); "
                    "type the name as it is written, without them",
                )
            )
        errors += self._offer_problems(request)
        zone = zone_named(request.timezone)
        if zone is None:
            errors.append(FieldError("timezone", "unknown time zone; use one like Europe/Paris"))
        if request.start_date is not None and not (
            today - dt.timedelta(days=60) <= request.start_date <= today + dt.timedelta(days=365)
        ):
            errors.append(FieldError("start_date", "must be within 60 days before and a year after today"))
        errors += consent_problems(request, zone or dt.UTC, now)
        return errors

    def _offer_problems(self, request: EnrollmentRequest) -> list[FieldError]:
        """The brand, the language (one the brand offers and the release serves, or why not) and the series
        (as the language's text has it: a held-back language is sent its older release's series)."""
        errors: list[FieldError] = []
        brand = self.brands.get(request.brand)
        if brand is None:
            errors.append(FieldError("brand", f"unknown brand; brands: {', '.join(sorted(self.brands))}"))
        offered = [code for code in brand.locales if code in self.published] if brand else []
        if brand is not None and request.locale not in offered:
            # Why a language the brand offers is not sent (held back from the release, and never complete).
            why = (
                f" ({self.source.unpublished_reason(request.locale)})"
                if request.locale in brand.locales
                else ""
            )
            errors.append(
                FieldError("locale", f"not published for {brand.id}{why}; use one of {', '.join(offered)}")
            )
        series = self.edition(request.locale).series if request.locale in offered else self.series
        if request.series not in series:
            errors.append(FieldError("series", f"unknown series; series: {', '.join(sorted(series))}"))
        return errors

    def enroll(self, request: EnrollmentRequest, now: dt.datetime) -> tuple[int, bool]:
        """Enroll a patient; an identical repeat returns the existing enrollment. Raises InvalidEnrollment
        (every problem, by field) or SuppressedError (the address may not be enrolled at this clinic)."""
        problems = self.validate(request, now)
        if problems or request.consent_at is None:  # (a missing consent time is one of the problems)
            raise InvalidEnrollment(problems)
        brand = self.brands[request.brand]
        series = self.edition(request.locale).series[request.series]  # the series as the patient gets it
        zone = zoneinfo.ZoneInfo(request.timezone)
        enrollment = Enrollment(
            email=request.email.strip(),
            name=request.name.strip() if request.name else None,
            locale=request.locale,
            brand=request.brand,
            series=request.series,
            timezone=request.timezone,
            start_date=request.start_date or now.astimezone(zone).date(),
            consent_at=in_zone(request.consent_at, zone),
            consent_source=request.consent_source.strip(),
        )
        planned = [
            PlannedDelivery(
                step.id, index, drip.first_due(enrollment.start_date, step.day, brand.email.send_window, zone)
            )
            for index, step in enumerate(series.steps)
        ]
        domain = brand.email.sender_domain
        return self.store.enroll(
            enrollment,
            email_hash(self.secret, request.email),
            planned,
            now,
            lambda eid, step: message_id(self.secret, eid, step, domain),
            release=None if self.release_id == WORKING_TREE else self.release_id,
        )

    def import_csv(self, path: Path, now: dt.datetime) -> ImportReport:
        """Validate every row; import the good ones (idempotently); report each bad one with its line."""
        return import_csv(path, now, validate=self.validate, enroll=self.enroll)

    def unsubscribe(self, address: str, now: dt.datetime, brand: str | None) -> int:
        """Stop this clinic's series for the address and write to it no more from that clinic (every clinic
        where it is enrolled, for None). Returns how many active enrollments were stopped."""
        key = email_hash(self.secret, address)
        clinics = [brand] if brand is not None else self.store.brands_of(key)
        return sum(self.store.unsubscribe(key, clinic, now) for clinic in clinics)

    def forget(self, address: str, now: dt.datetime, brand: str | None) -> int:
        """Erase the address's data at one clinic (every clinic for None); see :meth:`Store.forget`."""
        return self.store.forget(email_hash(self.secret, address), now, brand)

    def apply_bounce(self, target: BounceTarget, event: BounceEvent, now: dt.datetime) -> bool:
        """The effect of one bounce report matched to our delivery; False when it was applied before.

        A hard bounce or a complaint suppresses the address for every clinic (reasons "bounced" and
        "complained"): its active enrollments stop and their pending emails are cancelled. A soft bounce is
        only recorded. Suppressing first and recording second makes a crash in between harmless: the report
        is read again and suppressing twice changes nothing."""
        if self.store.has_bounce_report(event.report_key):
            return False
        if event.kind in SUPPRESSING:
            self.store.suppress(target.email_hash, SUPPRESSING[event.kind], now, ALL_CLINICS)
        return self.store.record_bounce(event, now)

    # sending ----------------------------------------------------------------------------------------------

    def send_due(
        self,
        now: dt.datetime,
        transport: Transport,
        *,
        worker: str,
        limit: int = 500,
        lease: dt.timedelta = LEASE,
        should_stop: Callable[[], bool] = lambda: False,
    ) -> PassReport:
        """One pass: claim what is due, send what may go now, record every outcome.

        Hard bounces are recorded at the end of the pass: when every recipient (more than one) was refused,
        the refusals say more about the sender than about them, and nobody is suppressed."""
        report = PassReport()
        claimed = self.store.claim_due(now, limit, worker, lease)
        sent_now: set[int] = set()
        bounced: list[tuple[DueDelivery, Outcome]] = []
        transactions = 0
        for index, due in enumerate(claimed):
            if should_stop():
                self._give_back(claimed[index:], worker, now, report)
                report.stopped = True
                break
            outcome = self._attempt(due, now, transport, worker, sent_now)
            if outcome is None:
                report.postponed += 1
            elif isinstance(outcome, Blocked):
                report.blocked += 1
                report.reasons["blocked", outcome.reason] += 1
            elif isinstance(outcome, str):  # STOPPED: unsubscribed or suppressed since the claim
                report.cancelled += 1
            elif outcome.kind == "halt":
                self._give_back(claimed[index:], worker, now, report)
                report.halted = outcome.detail
                break
            elif outcome.kind == "fail" and outcome.stage in ("RCPT TO", "DATA"):
                bounced.append((due, outcome))
                transactions += 1
            else:
                self._record(due, outcome, now, worker, report)
                transactions += outcome.stage not in ("compose", "internal")
                if outcome.kind == "sent":
                    sent_now.add(due.enrollment_id)
        self._settle_bounces(bounced, transactions, now, worker, report)
        self.store.complete_finished(now)
        return report

    def _attempt(
        self, due: DueDelivery, now: dt.datetime, transport: Transport, worker: str, sent_now: set[int]
    ) -> Outcome | Blocked | str | None:
        """One delivery, whatever goes wrong with it: an unexpected failure (a template or leaflet that fails
        to render, a bug) is this delivery's temporary failure, with its reason, never the end of the pass.
        Database errors still end the pass: they are every delivery's problem, and the caller's to report."""
        from .delivery import Outcome

        try:
            return self._send_one(due, now, transport, worker, sent_now)
        except SQLAlchemyError:
            raise
        except Exception as exc:  # recorded on this delivery; the pass goes on
            return Outcome("retry", f"cannot compose or send: {described(exc)}", None, "internal")

    def missing_content(self, due: DueDelivery, content: Released | None = None) -> str | None:
        """Why this delivery cannot be composed from ``content`` (:meth:`content_for` by default), or None (see
        ``passes``). A language held back from a release is checked against the series of the older release
        it is served from."""
        content = content or self.content_for(due)
        locale = due.enrollment.locale
        series = content.edition(locale).series if locale in content.published else content.series
        return missing_content(
            due, content.brands, series, content.published, content.translator, content.release_id
        )

    def _send_one(
        self, due: DueDelivery, now: dt.datetime, transport: Transport, worker: str, sent_now: set[int]
    ) -> Outcome | Blocked | str | None:
        """Compose and hand over one delivery; None when it must wait (window, one step a day), Blocked when the
        content it needs is missing from the release, STOPPED when its enrollment stopped after the claim (the
        last check before the mail server: nothing is sent)."""
        from .compose import HeaderError
        from .delivery import Outcome

        content = self.content_for(due)
        missing = self.missing_content(due, content)
        if missing is not None:
            self.store.record_blocked(due.id, worker, missing, now + BLOCKED_RETRY)
            return Blocked(missing)
        patient = due.enrollment
        brand = content.brands[patient.brand]
        zone = zoneinfo.ZoneInfo(patient.timezone)
        decision = drip.decide(
            now, brand.email.send_window, zone, due.last_sent_at, due.enrollment_id in sent_now
        )
        if isinstance(decision, drip.Wait):
            self.store.postpone(due.id, worker, decision.until)
            return None
        try:
            edition = content.edition(patient.locale)  # a held-back language: its older release's text
            series = edition.series[patient.series]
            message = content.composer(edition).compose(
                brand=brand,
                series=series,
                step=series.step(due.step),
                recipient=patient,
                translator=content.translator(patient.locale),
                manifest=content.source.review(patient.locale),
                message_id=due.message_id,
                unsubscribe_url=self.project.settings.unsubscribe_url
                + unsubscribe_token(self.secret, due.enrollment_id, now.date()),
                now=now,
                attachments=functools.partial(content.leaflet, brand, patient.locale),
                logo=content.logo(brand),
                release=content.release_id,
            )
            self._composed_from[due.id] = content.release_id
        except (HeaderError, ScarleafletsError) as exc:
            return Outcome("fail", f"cannot compose: {exc}", None, "compose")
        if not self.store.still_wanted(due.id, worker):
            return STOPPED
        return transport.send(
            message, return_path(self.secret, due.id, brand.email.return_path), patient.email
        )

    def _record(
        self, due: DueDelivery, outcome: Outcome, now: dt.datetime, worker: str, report: PassReport
    ) -> None:
        """Store one outcome; a hard bounce also puts the address on the suppression list."""
        settings = self.project.settings
        release = self._composed_from.pop(due.id, self.release_id)
        if outcome.kind == "sent":
            self.store.record_sent(due.id, worker, now, release)
            report.sent += 1
            return
        if outcome.kind == "retry" and drip.may_retry(
            due.attempts + 1,
            due.first_failed_at,
            now,
            dt.timedelta(hours=settings.retry_hours),
            settings.max_attempts,
        ):
            retry_at = drip.backoff(due.attempts + 1, now, RETRY_BASE, dt.timedelta(hours=6))
            self.store.record_retry(due.id, worker, outcome.detail, retry_at, now, release)
            report.retried += 1
            report.reasons["retry", outcome.detail] += 1
            return
        self.store.record_failed(due.id, worker, outcome.detail, now, release)
        if outcome.kind == "fail" and outcome.stage in ("RCPT TO", "DATA"):  # the server refused this address
            self.store.suppress(email_hash(self.secret, due.enrollment.email), "bounced", now, ALL_CLINICS)
        report.failed += 1
        report.reasons["failed", outcome.detail] += 1

    def _settle_bounces(
        self,
        bounced: list[tuple[DueDelivery, Outcome]],
        transactions: int,
        now: dt.datetime,
        worker: str,
        report: PassReport,
    ) -> None:
        """Fail and suppress the refused addresses, unless every recipient of the pass (more than one) was
        refused: that is a sender or server problem, and they all stay due, uncharged."""
        addresses = {normalize_email(due.enrollment.email) for due, _ in bounced}
        if len(addresses) > 1 and len(bounced) == transactions:
            self._give_back([due for due, _ in bounced], worker, now, report)
            report.halted = report.halted or (
                f"{bounced[0][1].detail} (every one of {len(addresses)} recipients was refused: "
                "a sender or server problem)"
            )
            return
        for due, outcome in bounced:
            self._record(due, outcome, now, worker, report)

    def _give_back(
        self, deliveries: Sequence[DueDelivery], worker: str, now: dt.datetime, report: PassReport
    ) -> None:
        """Return claims unsent and uncharged, due again at once."""
        for due in deliveries:
            self.store.postpone(due.id, worker, now)
        report.given_back += len(deliveries)

    # for the web service ---------------------------------------------------------------------------------
    # (the web package goes through these, never through the store's tables or the composer)

    def check_database(self) -> None:
        """Raise SQLAlchemyError unless the database answers (the web service's /healthz)."""
        self.store.check()

    def enrollment_for_token(self, token: str, today: dt.date) -> TokenEnrollment | None:
        """The enrollment a signed unsubscribe token names, or None for a forged, truncated or expired token
        (or an enrollment since erased)."""
        enrollment_id = verify_unsubscribe_token(self.secret, token, today)
        return None if enrollment_id is None else self.store.enrollment_for_unsubscribe(enrollment_id)

    def unsubscribe_enrollment(self, enrollment: TokenEnrollment, now: dt.datetime) -> int:
        """The one-click unsubscribe: stop every series of the enrollment's clinic for its address, as
        :meth:`unsubscribe` does for one clinic. Idempotent; returns how many active enrollments stopped."""
        return self.store.unsubscribe(enrollment.email_hash, enrollment.brand, now)

    def erase_for_clinic(self, address: str, brand: str, now: dt.datetime) -> int | None:
        """Erase one clinic's patient (the API's DELETE): how many enrollments were erased (0 when they had
        been erased before), or None when the address is not this clinic's patient, whether it is another
        clinic's or nobody's, so that the caller can answer both alike."""
        key = email_hash(self.secret, address)
        erased = self.store.forget(key, now, brand)
        if erased or self.store.was_erased(key, brand):
            return erased
        return None

    def preview_email(
        self, brand_id: str, locale: str, series_id: str, step_id: str, now: dt.datetime
    ) -> bytes:
        """A step's email exactly as it would be sent, to a sample patient (the staff gallery). The brand,
        series and step must exist (the caller answers 404 otherwise)."""
        brand = self.brands[brand_id]
        edition = self.edition(locale)
        series = edition.series[series_id]
        sample = Enrollment(
            email="patient@example.org",
            name="Alex Example",
            locale=locale,
            brand=brand_id,
            series=series_id,
            timezone="UTC",
            start_date=now.date(),
            consent_at=now,
            consent_source="preview",
        )
        return self.composer(edition).compose(
            brand=brand,
            series=series,
            step=series.step(step_id),
            recipient=sample,
            translator=self.translator(locale),
            manifest=self.source.review(locale),
            message_id=message_id(self.secret, 0, step_id, brand.email.sender_domain),
            unsubscribe_url=self.project.settings.unsubscribe_url + "PREVIEW",
            now=now,
            attachments=functools.partial(self.leaflet, brand, locale),
            logo=self.logo(brand),
            release=self.release_id,
        )


def open_mailing(project: Project, db_url: str, *, needs_content: bool = True) -> Mailing:
    """The mail service over the current release. Without a release it raises NoReleaseError, which tells
    staff to run `scarleaflets release` — unless ``needs_content`` is False (unsubscribe, forget, bounces:
    a patient's unsubscribe never waits for a release)."""
    try:
        source: ContentSource = load_release(project)
    except NoReleaseError as exc:
        if needs_content:
            raise
        source = MissingRelease(exc)
    return Mailing(project, Store.open(db_url), load_secret(project.root), source=source)
