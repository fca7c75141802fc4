"""Content errors that point into the file: ``FILE:LINE: field.path: what was expected``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ContentIssue:
    """One problem found in a content file, located to a line and a field path."""

    path: Path
    line: int | None
    field: str
    message: str
    source_line: str | None = None
    severity: str = "error"  # "error" or "warning"
    code: str = ""  # what kind of problem (pydantic's error type, "yaml", "duplicate_key"), for translated messages

    def format(self) -> str:
        """Render as ``FILE:LINE: field: message`` with the offending line beneath."""
        where = f"{self.path}:{self.line}" if self.line else f"{self.path}"
        field = f" {self.field}:" if self.field else ""
        prefix = "" if self.severity == "error" else "warning: "
        text = f"{where}: {prefix}{field.strip()} {self.message}".replace(":  ", ": ")
        if self.source_line is not None:
            text += f"\n    {self.line} | {self.source_line.rstrip()}"
        return text


class ContentError(Exception):
    """Raised when one or more content files are invalid; carries every located issue."""

    def __init__(self, issues: list[ContentIssue]):
        self.issues = issues
        super().__init__("\n".join(issue.format() for issue in issues))
