"""Clinic brands: one YAML file per clinic under ``content/brands/``, validated like content.

A brand carries what a leaflet prints (name, logo, colours, paper size, contact details, booking link, legal
text) and what the email series needs (sender, reply-to, postal address, send window, time zone). The
modules: :mod:`.model` (the typed brand the leaflets and the mail use), :mod:`.schema` (the brand file as
pydantic models) and :mod:`.reading` (files -> brands, every problem at once, with file and line). This
module only re-exports the names the rest of the package uses.
"""

from __future__ import annotations

from .model import ADDRESS as ADDRESS
from .model import BRANDS_FOLDER as BRANDS_FOLDER
from .model import DAYS as DAYS
from .model import PAPERS as PAPERS
from .model import Brand as Brand
from .model import EmailSettings as EmailSettings
from .model import Paper as Paper
from .model import SendWindow as SendWindow
from .reading import brand_files as brand_files
from .reading import clinic_detail_problems as clinic_detail_problems
from .reading import load_brands as load_brands
from .reading import read_brand_file as read_brand_file
