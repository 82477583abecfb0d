"""The leaflets stage: the translated view model -> HTML -> PDF, and the build that plans and caches it.

It imports the earlier stages (content, i18n, the brands, the views and the core) and nothing later (mail,
web). The modules, in the order they depend on each other: :mod:`.css` (safe CSS strings), :mod:`.fonts`
(bundled fonts per script), :mod:`.render` (the views of :mod:`scarleaflets.views` -> leaflet HTML, with the
print stylesheet), :mod:`.pdf` (HTML -> tagged, reproducible PDF with WeasyPrint) and :mod:`.build` (the
brand x locale x leaflet plan, input hashes, workers, manifest).

Unlike the other stage packages, this module re-exports nothing: the mail service renders a leaflet to attach
only when a message needs one, and importing this package must not load WeasyPrint, so callers import from the
modules themselves.
"""
