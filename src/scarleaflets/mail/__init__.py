"""The mail stage: the email series from enrollment to the mail server, and what comes back.

:mod:`.drip` (pure scheduling: send windows, time zones, one step a day, backoff), :mod:`.compose` (content
+ recipient -> a MIME message), :mod:`.store` (the database and its migrations), :mod:`.delivery` (SMTP,
SMTPS and Maildir transports), :mod:`.enrollment_requests` (the enrollment record, declared once, and requests
read from text), :mod:`.service` (enroll, import, unsubscribe, forget, send passes), :mod:`.passes` (what a
pass reports, blocked deliveries) and :mod:`.bounces` (bounce reports and complaints). It imports earlier
stages (content, catalogs, brands, and the release loader it takes its content from), never the web service;
leaflets are attached from the release, so no PDF engine is imported (the working tree's content, for
previews, renders one on demand).

This module only re-exports the service's names that the command line and the web service use; the store,
the transports and the bounce reader are imported from their own modules.
"""

from __future__ import annotations

from .csv_import import ImportReport as ImportReport
from .enrollment_requests import Enrollment as Enrollment
from .enrollment_requests import EnrollmentRequest as EnrollmentRequest
from .enrollment_requests import FieldError as FieldError
from .enrollment_requests import InvalidEnrollment as InvalidEnrollment
from .enrollment_requests import request_from_json as request_from_json
from .enrollment_requests import request_from_text as request_from_text
from .passes import PassReport as PassReport
from .service import Mailing as Mailing
from .service import open_mailing as open_mailing
from .store import StoreError as StoreError
from .store import SuppressedError as SuppressedError
from .store import TokenEnrollment as TokenEnrollment
