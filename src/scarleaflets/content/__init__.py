"""The content stage: YAML topics and the guide outline, read with their lines, validated and typed.

Nothing here imports a later stage (catalogs, leaflets, mail, web). The modules, in the order they depend on
each other: :mod:`.yamldoc` (YAML with line numbers), :mod:`.validation` (texts, leaf values, the document
base model), :mod:`.assets` (figure and logo files), :mod:`.blocks` (the block registry), :mod:`.model`
(the typed content), :mod:`.schema` (the pydantic models of the documents), :mod:`.reading` (files ->
model, every problem at once) and :mod:`.readability` (reading level, in English and in each language with a
validated formula). This module only re-exports the names the rest of the package uses.
"""

from __future__ import annotations

from .approvals import approval_date as approval_date
from .approvals import approvals_path as approvals_path
from .approvals import read_approvals as read_approvals
from .approvals import signer_field as signer_field
from .approvals import write_approvals as write_approvals
from .assets import asset_file as asset_file
from .assets import svg_problem as svg_problem
from .blocks import BLOCKS as BLOCKS
from .blocks import CALLOUT_KINDS as CALLOUT_KINDS
from .blocks import Block as Block
from .blocks import BulletList as BulletList
from .blocks import Callout as Callout
from .blocks import CalloutKind as CalloutKind
from .blocks import FigureRef as FigureRef
from .blocks import Paragraph as Paragraph
from .blocks import Table as Table
from .blocks import block_messages as block_messages
from .model import CATEGORIES as CATEGORIES
from .model import GUIDE_FILE as GUIDE_FILE
from .model import REVIEW_STATUSES as REVIEW_STATUSES
from .model import SKIN_LAYERS as SKIN_LAYERS
from .model import TOPIC_FOLDERS as TOPIC_FOLDERS
from .model import TREATMENT_SECTIONS as TREATMENT_SECTIONS
from .model import Approval as Approval
from .model import Category as Category
from .model import ContentSet as ContentSet
from .model import Figure as Figure
from .model import FigureLayer as FigureLayer
from .model import Guide as Guide
from .model import GuidePart as GuidePart
from .model import Review as Review
from .model import ReviewStatus as ReviewStatus
from .model import Section as Section
from .model import Source as Source
from .model import Topic as Topic
from .reading import file_messages as file_messages
from .reading import load_content as load_content
from .reading import topic_files as topic_files
from .validation import Msg as Msg
