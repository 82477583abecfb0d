"""The ``scarleaflets`` command line: parse arguments, call a stage, print, and map errors to exit codes (0 clean,
1 problems in the content or another input, 2 a usage error, 3 a send pass stopped by a sender or mail server
problem), one module per command group: ``app`` (the group, ``main`` and what the groups share), ``content``
(check, topics), ``approvals`` (approve), ``leaflets`` (build), ``releases`` (release, releases), ``mail`` (enroll,
unsubscribe, forget, status), ``sending`` (send-due,
worker, bounces, simulate), ``web`` (serve) and ``i18n`` (the i18n group). Importing this package registers
every command on the one group. No SQL, YAML or templates here.
"""

from __future__ import annotations

# Each command module registers its commands on the one group when it is imported.
from . import approvals, content, i18n, leaflets, mail, releases, sending, web
from .app import cli, main

__all__ = ["approvals", "cli", "content", "i18n", "leaflets", "mail", "main", "releases", "sending", "web"]
