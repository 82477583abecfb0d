"""scarleaflets: patient education about acne marks and scars, from one validated, translated content set."""

from __future__ import annotations

__version__ = "0.1.0"
