"""Files that content points at (figures, clinic logos): inside content/, of an allowed kind, safe to embed.

Figures and logos are embedded in PDFs, emails and web pages, so each must stay inside the content folder,
exist, and be a well-formed, self-contained drawing (SVG) or a real PNG. :func:`asset_path` gives the file or
the reason it cannot be used; :func:`asset_file` declares such a file as a value of a document (a topic's
figures, a brand's logo), failing with that reason.
"""

from __future__ import annotations

from pathlib import Path

import defusedxml.ElementTree as SafeET
from pydantic import PlainValidator, ValidationInfo

from .validation import context_of, fail, scalar

SVG_NS = "{http://www.w3.org/2000/svg}"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def asset_path(value: str, content_dir: Path, *, what: str, suffixes: tuple[str, ...]) -> Path | str:
    """The absolute path of the file ``value`` names inside ``content_dir``, or why it cannot be used."""
    root = content_dir.resolve()
    target = (root / value).resolve()
    if Path(value).is_absolute() or not target.is_relative_to(root):
        return f"'{value}' is outside the content folder; keep {what}s under content/"
    if target.suffix.lower() not in suffixes:
        kinds = " or ".join(suffixes)
        return f"'{value}' is not a {kinds} file; a {what} must be one"
    if not target.is_file():
        return f"{what} file content/{value} does not exist"
    if target.suffix.lower() == ".svg":
        problem = svg_problem(target)
    else:
        problem = None if target.read_bytes()[:8] == PNG_MAGIC else "not a PNG image"
    return f"content/{value}: {problem}" if problem else target


def asset_file(*, what: str, suffixes: tuple[str, ...]) -> PlainValidator:
    """A file inside the content folder (a figure, a logo), present, of an allowed kind and safe to embed, as
    its absolute path (use with ``Path``; the reader passes the folder as ``content_dir``)."""

    def read(value: object, info: ValidationInfo) -> Path:
        written = scalar(value, "a file path inside content/").text
        found = asset_path(written, context_of(info)["content_dir"], what=what, suffixes=suffixes)
        if isinstance(found, str):
            raise fail(found)
        return found

    return PlainValidator(read)


def svg_problem(path: Path) -> str | None:
    """Why an SVG file cannot be used as a figure, or None when it can.

    Figures are embedded in PDFs and emails, so they must be well-formed, self-contained drawings: no
    scripts, no foreign objects and no links to other files or the web.
    """
    try:
        root = SafeET.parse(path).getroot()
    except Exception as exc:  # defusedxml raises ParseError or its own refusals (entities, DTDs)
        return f"not a well-formed SVG file ({exc})"
    if root is None:
        return "the file holds no SVG element"
    if root.tag != f"{SVG_NS}svg":
        return 'the root element is not <svg> in the SVG namespace (xmlns="http://www.w3.org/2000/svg")'
    for element in root.iter():
        name = element.tag.rsplit("}", 1)[-1]
        if name in ("script", "foreignObject"):
            return f"contains <{name}>, which is not allowed in a figure"
        for attribute in ("href", XLINK_HREF):
            target = element.get(attribute)
            if target is not None and not target.startswith("#"):
                return f"links to '{target}'; a figure must not load other files"
    return None


def svg_height(path: Path) -> float | None:
    """The height of an SVG drawing in its own units (the units its shapes are drawn in): the last number of
    its viewBox, else its height attribute when that is a plain number; None when it has neither."""
    root = SafeET.parse(path).getroot()
    if root is None:
        return None
    view_box = (root.get("viewBox") or "").replace(",", " ").split()
    try:
        if len(view_box) == 4:
            return float(view_box[3])
        return float(root.get("height") or "")
    except ValueError:
        return None
