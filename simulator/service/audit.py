"""The audit log: every cohort membership change and every read of someone else's attempt
by staff, so a trainee can see who looked at their practice and an admin can check that
no mentor helped themselves to data.

Admins read and export the whole log; everyone reads the events about themselves.
Recording is part of the use case's own transaction for changes, and a short write of its
own right after the read for reads (reads run on a read-only snapshot).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from simulator.service._csv import csv_cell
from simulator.service.policy import (
    is_staff_reading_another,
    require_read_audit,
    require_read_own_audit,
    require_signed_in,
)
from simulator.service.principal import Actor, Principal, _System
from simulator.store import Database
from simulator.store import audit as audit_repo
from simulator.store import users as user_repo
from simulator.store.models import AuditEvent

# The actions, each a stable key the UI translates (audit.action.<key>).
JOINED = "joined_by_invitation"
PLACED = "placed_in_cohort"
REMOVED = "removed_from_cohort"
LEFT = "left_cohort"
OPENED_ACCOUNT = "account_opened_in_cohort"
READ_ATTEMPT = "read_attempt"
ACTIONS = (JOINED, PLACED, REMOVED, LEFT, OPENED_ACCOUNT, READ_ATTEMPT)
DEFAULT_LIMIT = 500


@dataclass(frozen=True)
class AuditEntry:
    """One event as shown: names as they were when it happened."""

    at: datetime
    actor: str
    action: str
    subject: str
    cohort_id: int | None
    attempt_id: int | None
    detail: str


def record(
    session: Session,
    actor: Actor | None,
    action: str,
    *,
    subject_id: int | None,
    cohort_id: int | None = None,
    attempt_id: int | None = None,
    detail: str = "",
) -> None:
    """Append one event inside the caller's transaction."""
    assert action in ACTIONS, action
    subject = user_repo.get_user(session, subject_id) if subject_id is not None else None
    audit_repo.add_event(
        session,
        actor_id=actor.user_id if isinstance(actor, Principal) else None,
        actor_name=actor.username if isinstance(actor, Principal) else "SYSTEM",
        action=action,
        subject_id=subject_id,
        subject_name=subject.username if subject is not None else "",
        cohort_id=cohort_id,
        attempt_id=attempt_id,
        detail=detail,
    )


# A page is drawn again on every click; one reading session is one entry, not one per redraw.
READ_WINDOW = timedelta(minutes=10)


def record_read(db: Database, principal: Principal, owner_id: int, attempt_id: int | None, what: str) -> None:
    """After a successful read: staff reading someone else's attempt leave a trace (once per ``READ_WINDOW``)."""
    if is_staff_reading_another(principal, owner_id):
        with db.transaction() as session:
            if audit_repo.logged_since(
                session, actor_id=principal.user_id, action=READ_ATTEMPT, attempt_id=attempt_id, detail=what,
                window=READ_WINDOW,
            ):
                return
            record(session, principal, READ_ATTEMPT, subject_id=owner_id, attempt_id=attempt_id, detail=what)


def _entry(event: AuditEvent) -> AuditEntry:
    return AuditEntry(
        at=event.at, actor=event.actor_name, action=event.action, subject=event.subject_name,
        cohort_id=event.cohort_id, attempt_id=event.attempt_id, detail=event.detail,
    )


def audit_log(db: Database, actor: Actor | None, *, limit: int = DEFAULT_LIMIT) -> list[AuditEntry]:
    """The newest events of the whole installation: admins (and SYSTEM) only."""
    require_read_audit(actor)
    with db.read() as session:
        return [_entry(e) for e in audit_repo.events(session, limit=limit)]


def my_audit(db: Database, principal: Principal | None, user_id: int | None = None) -> list[AuditEntry]:
    """What was done with one person's data (default: the caller's own): that person and admins."""
    principal = require_signed_in(principal)
    user_id = principal.user_id if user_id is None else user_id
    require_read_own_audit(principal, user_id)
    with db.read() as session:
        return [_entry(e) for e in audit_repo.events(session, about=user_id)]


def audit_csv(db: Database, actor: Actor | None) -> str:
    """The whole log as CSV (admins and SYSTEM), every cell guarded against formulas."""
    require_read_audit(actor)
    with db.read() as session:
        rows = [_entry(e) for e in audit_repo.events(session)]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["at", "actor", "action", "subject", "cohort_id", "attempt_id", "detail"])
    for row in rows:
        writer.writerow([csv_cell(v) for v in (row.at.isoformat(), row.actor, row.action, row.subject,
                                                row.cohort_id, row.attempt_id, row.detail)])
    return out.getvalue()


__all__ = ["AuditEntry", "audit_csv", "audit_log", "my_audit"]

_ = _System  # SYSTEM acts without a user id; recorded as "SYSTEM"
