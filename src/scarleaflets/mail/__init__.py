"""The mail stage: the email series from enrollment to the mail server, and what comes back.

:mod:`.drip` (pure scheduling: send windows, time zones, one step a day, backoff), :mod:`.compose` (content
+ recipient -> a MIME message), :mod:`.store` (the database and its migrations), :mod:`.delivery` (SMTP,
SMTPS and Maildir transports), :mod:`.service` (enroll, import, unsubscribe, forget, send passes) and
:mod:`.bounces` (bounce reports and complaints). It imports the content stage, the catalogs and brands, never
the web service; the leaflet renderer (WeasyPrint) is imported only when a message attaches a leaflet.
"""

from __future__ import annotations
