"""Allow ``python -m scarleaflets``."""

from __future__ import annotations

from .cli import main

main()
