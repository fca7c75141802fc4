"""The content the running app loaded, and the problems of the files it could not load.

Why: a malformed scenario or rubric must not take the app down for everyone. The library
(``simulator.content.library``) loads every valid file and turns each broken one into a
located issue (file, line, field, message); this module hands those issues to an admin,
who can fix the file, while trainees keep practising the valid scenarios. Only admins see
them: file paths and source lines are operator information.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from simulator.content.errors import ContentIssue
from simulator.content.library import Library, get_library
from simulator.paths import content_root
from simulator.service.policy import require_admin
from simulator.service.principal import Actor

if TYPE_CHECKING:
    from simulator.store import Database
    from simulator.store.unmatched import UnmatchedQuestion

log = logging.getLogger(__name__)

__all__ = ["ContentIssueView", "ContentStatus", "content_issues", "content_status", "unmatched_questions"]


@dataclass(frozen=True)
class ContentIssueView:
    """One located problem, with the path shown relative to the content directory."""

    file: str
    line: int | None
    field: str
    message: str
    source_line: str | None
    severity: str  # "error" (the file was not loaded) or "warning"
    code: str = ""  # the kind of problem, for a message in the admin's language

    @property
    def location(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file


@dataclass(frozen=True)
class ContentStatus:
    """What is in service (scenario and rubric ids) and what is wrong."""

    scenarios: tuple[str, ...]
    rubrics: tuple[str, ...]
    issues: tuple[ContentIssueView, ...]

    @property
    def errors(self) -> tuple[ContentIssueView, ...]:
        return tuple(i for i in self.issues if i.severity == "error")

    @property
    def warnings(self) -> tuple[ContentIssueView, ...]:
        return tuple(i for i in self.issues if i.severity != "error")


def _relative(path: Path) -> str:
    """The path under the content root when it is there (shorter, and hides the server layout)."""
    try:
        return Path(path).resolve().relative_to(content_root().resolve()).as_posix()
    except ValueError:
        return Path(path).name


def _view(issue: ContentIssue) -> ContentIssueView:
    return ContentIssueView(
        file=_relative(issue.path),
        line=issue.line,
        field=issue.field,
        message=issue.message,
        source_line=issue.source_line,
        severity=issue.severity,
        code=issue.code,
    )


def _all_issues(library: Library, *, cross_file: bool) -> list[ContentIssue]:
    if not cross_file:
        return list(library.issues)
    try:
        from simulator.content.validate import validate_library
        from simulator.engine.fact_check import check_fact_sheets

        from simulator.language import CATALOGUE

        return validate_library(library, CATALOGUE) + check_fact_sheets(library)
    except Exception:  # noqa: BLE001 - the loading issues must still reach the admin
        log.exception("cross-file content validation failed; showing loading issues only")
        return list(library.issues)


def content_issues(principal: Actor, *, library: Library | None = None, cross_file: bool = True) -> list[ContentIssueView]:
    """Admin only: the issues of the content files, errors first, then by file and line."""
    require_admin(principal)
    library = library if library is not None else get_library()
    views = [_view(issue) for issue in _all_issues(library, cross_file=cross_file)]
    views.sort(key=lambda v: (v.severity != "error", v.file, v.line or 0, v.field))
    return views


def content_status(principal: Actor, *, library: Library | None = None, cross_file: bool = True) -> ContentStatus:
    """Admin only: the loaded scenario and rubric ids beside the issues."""
    require_admin(principal)
    library = library if library is not None else get_library()
    return ContentStatus(
        scenarios=tuple(sorted(library.scenarios)),
        rubrics=tuple(sorted(library.rubrics)),
        issues=tuple(content_issues(principal, library=library, cross_file=cross_file)),
    )


def unmatched_questions(principal: Actor, db: "Database", scenario_id: str | None = None) -> list["UnmatchedQuestion"]:
    """Admin only: trainees' questions no topic of the scenario answered, for the authors."""
    require_admin(principal)
    from simulator.store.unmatched import unmatched_questions as stored

    with db.transaction() as session:
        return stored(session, scenario_id)
