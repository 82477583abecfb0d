"""State of the email series in a real database, through SQLAlchemy Core (SQLite by default, in WAL mode, or
PostgreSQL).

The store is one class, :class:`Store`, put together from its parts, each in its own module:
:mod:`.schema` (the tables and status values), :mod:`.database` (URLs, the engine, migrations, transactions),
:mod:`.enrollments` (enroll, unsubscribe, suppress, forget; an enrollment's columns are the fields of the
record in ``mail/enrollment_requests.py``), :mod:`.sending` (the due query, claims, outcomes), :mod:`.bounces`
(bounce reports matched to deliveries), :mod:`.reporting` (``status`` and ``history``) and :mod:`.signins` (the
web service's failed sign-ins). The schema is managed by Alembic migrations
(``src/scarleaflets/mail/migrations``), applied when the store opens, so an upgrade never loses data.

Every state change is a short transaction; on SQLite a claim is ``BEGIN IMMEDIATE``, on other databases
``SELECT … FOR UPDATE SKIP LOCKED``, so two workers never claim the same delivery. Personal data never goes to
logs; ``forget`` deletes it with SQLite's ``secure_delete`` on, so it is overwritten, not just unlinked.

Two failures, two classes: :class:`StoreError` when the database cannot be used, :class:`SuppressedError`
when an address may not be enrolled (suppressed, or consent older than the suppression).
"""

from __future__ import annotations

from .bounces import BounceEvent as BounceEvent
from .bounces import BounceRecords
from .bounces import BounceTarget as BounceTarget
from .database import StoreError as StoreError
from .database import database_problem as database_problem
from .database import default_url as default_url
from .database import make_engine as make_engine
from .database import migrate as migrate
from .enrollments import Enrollments
from .enrollments import MovableEnrollment as MovableEnrollment
from .enrollments import PlannedDelivery as PlannedDelivery
from .enrollments import SuppressedError as SuppressedError
from .enrollments import TokenEnrollment as TokenEnrollment
from .reporting import Reporting
from .schema import ADDRESS_LIKE as ADDRESS_LIKE
from .schema import ALL_CLINICS as ALL_CLINICS
from .schema import bounce_events as bounce_events
from .schema import deliveries as deliveries
from .schema import enrollments as enrollments
from .schema import metadata as metadata
from .schema import naive_utc as naive_utc
from .schema import sign_in_failures as sign_in_failures
from .schema import suppressions as suppressions
from .sending import CLAIM_LEASE as CLAIM_LEASE
from .sending import DueDelivery as DueDelivery
from .sending import Sending
from .signins import SignInRecords


class Store(Enrollments, Sending, BounceRecords, Reporting, SignInRecords):
    """The mail store: open it with :meth:`Store.open` (which migrates the schema), close it with :meth:`close`."""
