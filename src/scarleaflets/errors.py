"""The one family of exceptions scarleaflets raises on bad input.

Every error a user can cause derives from :class:`ScarleafletsError`, so the command line can turn it into a
clear message and an exit code instead of a traceback. Errors found while reading files carry
:class:`Problem` records that name the file, the line and the place inside the file, so that all problems in
all files can be reported in one run.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class ScarleafletsError(Exception):
    """Base class of every error caused by input, settings or usage."""


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in one file, at one line and one path inside the file.

    ``path`` is the place in the document's structure, for example ``sections[2].blocks[0].paragraph``; it is
    empty for problems that concern the whole file. ``details`` are further places that explain it (the
    sentences that make a topic hard to read), each ``file:line: text``, shown indented under it.
    """

    file: str
    line: int
    path: str
    message: str
    details: tuple[str, ...] = field(default=(), compare=False)

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        text = f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"
        return "".join([text, *(f"\n    {detail}" for detail in self.details)])

    def as_dict(self) -> dict[str, str | int | list[str]]:
        found: dict[str, str | int | list[str]] = {
            "file": self.file,
            "line": self.line,
            "path": self.path,
            "message": self.message,
        }
        if self.details:
            found["details"] = list(self.details)
        return found


class ContentError(ScarleafletsError):
    """The content (or another validated input) has one or more problems; all of them are listed."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        super().__init__(f"{count} {noun} found:\n" + "\n".join(str(p) for p in self.problems))


class ConfigError(ScarleafletsError):
    """The project folder or its settings file cannot be used."""
