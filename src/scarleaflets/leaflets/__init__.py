"""The leaflets stage: the translated view model -> HTML -> PDF, and the build that plans and caches it.

It imports the earlier stages (content, i18n, the brands and the core) and nothing later (mail, web). The
modules, in the order they depend on each other: :mod:`.css` (safe CSS strings), :mod:`.fonts` (bundled
fonts per script), :mod:`.render` (one Jinja environment per brand; content + brand + translations -> HTML),
:mod:`.pdf` (HTML -> tagged, reproducible PDF with WeasyPrint) and :mod:`.build` (the brand x locale x leaflet
plan, input hashes, workers, manifest).

Unlike the other stage packages, this module re-exports nothing: emails and web pages use :mod:`.render`
alone, and importing it must not load WeasyPrint, so callers import from the modules themselves.
"""
