"""``scarleaflets serve``: the application under waitress, a production WSGI server.

No access log: request paths carry unsubscribe tokens and e-mail addresses. A reverse proxy in front
terminates HTTPS (see docs/web-guide.md).
"""

from __future__ import annotations

from pathlib import Path

from ..mail import Mailing
from .app import create_app


def serve(mailing: Mailing, host: str, port: int, leaflets_dir: Path | None = None) -> None:
    """Serve the application with waitress (four threads) until the process is stopped."""
    from waitress import serve as waitress_serve

    waitress_serve(
        create_app(mailing, leaflets_dir=leaflets_dir), host=host, port=port, ident="scarleaflets", threads=4
    )
