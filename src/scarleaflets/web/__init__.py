"""The web service (``scarleaflets serve``): one-click unsubscribe, the enrollment API, the staff gallery, health.

Flask blueprints over the mail service (:class:`~scarleaflets.mailing.Mailing`), which is the web's only way
to the database and the composer:

- :mod:`.app`: ``create_app``, the factory: services in ``app.extensions``, the blueprints, the security
  headers and the JSON error handlers (a database outage is a 503; nothing personal is logged);
- :mod:`.unsubscribe`: ``/u/<token>``, one-click unsubscribe (RFC 8058) and its pages;
- :mod:`.api`: ``/api/enrollments`` and ``/api/patients/<email>``, per-brand bearer tokens;
- :mod:`.gallery`: ``/gallery/…``, leaflets and emails as a brand's patients get them, for staff;
- :mod:`.health`: ``/healthz``;
- :mod:`.services` (what the blueprints share), :mod:`.pages` (page rendering, the browser's language, JSON
  bodies), :mod:`.auth` (bearer and basic sign-in, 429 after too many failures), :mod:`.signins` (failed
  sign-ins counted in the database, shared by every instance), :mod:`.serve` (waitress).

Pages are rendered by several threads at once: each render gets its language's translations (see
:mod:`scarleaflets.views.templating`). This module only re-exports the names the rest of the project uses.
"""

from __future__ import annotations

from .app import create_app as create_app
from .serve import serve as serve
from .signins import FailedSignIns as FailedSignIns
from .signins import SignInLimits as SignInLimits
