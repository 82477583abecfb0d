"""The release stage: a validated, versioned snapshot of everything the sender and the web service need.

``scarleaflets release`` (:mod:`.make`) checks the working tree, holds back what fails (one language, one
brand, one series at a time), compiles the catalogs, freezes the model as JSON (:mod:`.frozen`), renders the
leaflets that changed (:mod:`.plan` decides which, and their document versions) and writes a numbered,
immutable release folder (:mod:`.layout`). The sender and the web service read only the current release
(:mod:`.loader`), through the same interface as the working tree gives previews (:mod:`.source`,
:mod:`.working_tree`).

It comes after the leaflet stage (a release renders leaflets) and before mail and web, which load releases.
The loader imports no PDF engine; only :mod:`.make` does, and only the `release` command imports it. This
module re-exports the loader's names only, for that reason.
"""

from __future__ import annotations

from .layout import NoReleaseError as NoReleaseError
from .layout import current_number as current_number
from .layout import release_numbers as release_numbers
from .layout import releases_dir as releases_dir
from .layout import use_release as use_release
from .loader import MissingRelease as MissingRelease
from .loader import Release as Release
from .loader import load_release as load_release
from .source import GUIDE as GUIDE
from .source import LARGE_PRINT_SUFFIX as LARGE_PRINT_SUFFIX
from .source import ContentSource as ContentSource
from .source import Edition as Edition
