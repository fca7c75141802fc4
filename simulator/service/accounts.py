"""Accounts for an admin, and a whole class at once: list, add, reset, deactivate, delete, import.

Why a module of its own: the admin's accounts page and the class import are use cases over
``simulator.service.users`` and ``auth`` (which keep the rules for names and passwords);
every permission is decided by ``simulator.service.policy``. New accounts and reset ones
get a one-time password the person must change at first login; it is returned once and
never stored in the clear.

A class import is all or nothing: every row is checked first (name, username, duplicates,
names already taken) and, when any row is wrong, nothing is created and each problem names
its line. An email column may be given; it is passed to the mentor's CSV only (so they
can send the sheet) and not stored.
"""

from __future__ import annotations

import csv
import io
import logging
from dataclasses import dataclass
from datetime import datetime

from simulator.service import auth
from simulator.service._passwords import one_time_password
from simulator.service import users as user_service
from simulator.service.errors import InvalidInput, NotFound, ServiceError
from simulator.service.policy import require_admin, require_cohort_mentor, require_create_user, require_staff
from simulator.service.principal import Principal
from simulator.service.auth import validate_display_name, validate_username
from simulator.store import Database
from simulator.store import sessions as session_repo
from simulator.store import users as user_repo
from simulator.store.users import Footprint
from simulator.store.models import utcnow

log = logging.getLogger(__name__)

IMPORT_MAX_ROWS = 200
IMPORT_MAX_BYTES = 200_000
NAME_HEADERS = ("name", "nimi", "display_name")
USERNAME_HEADERS = ("username", "käyttäjätunnus", "tunnus")
EMAIL_HEADERS = ("email", "sähköposti", "e-mail")


@dataclass(frozen=True)
class AccountRow:
    id: int
    username: str
    display_name: str
    role: str
    locale: str
    created_at: datetime
    active: bool
    must_change_password: bool
    cohorts: int
    attempts: int


@dataclass(frozen=True)
class NewAccount:
    """An account just opened (or reset), with the password to hand over once."""

    user_id: int
    username: str
    display_name: str
    one_time_password: str
    email: str = ""


@dataclass(frozen=True)
class DeletionPreview:
    """What deleting an account removes (shown before the admin confirms) and what stays."""

    user_id: int
    username: str
    stored: Footprint  # the counts; its cohorts_created stay, without the creator


@dataclass(frozen=True)
class RowProblem:
    line: int
    reason: str  # a common.error / accounts.problem key: username_taken, duplicate, name_missing...
    value: str = ""


@dataclass(frozen=True)
class ImportedClass:
    cohort_id: int
    cohort_name: str
    accounts: tuple[NewAccount, ...]


class ImportRejected(InvalidInput):
    """The class file had problems; nothing was created. ``problems`` names each line."""

    def __init__(self, problems: list[RowProblem]):
        super().__init__(f"{len(problems)} problem(s) in the class file", field="csv", reason="import_rejected",
                         count=len(problems))
        self.problems = problems


# --- the admin's accounts page ---------------------------------------------------------------


def list_accounts(db: Database, actor: Principal | None) -> list[AccountRow]:
    """Every account with its role, state and how much is stored for it (admins only)."""
    require_admin(actor)
    with db.read() as session:
        attempts = user_repo.attempt_counts(session)
        cohorts = user_repo.membership_counts(session)
        return [
            AccountRow(id=u.id, username=u.username, display_name=u.display_name, role=u.role, locale=u.locale,
                       created_at=u.created_at, active=u.deactivated_at is None,
                       must_change_password=u.must_change_password, cohorts=int(cohorts.get(u.id, 0)),
                       attempts=int(attempts.get(u.id, 0)))
            for u in user_repo.list_users(session)
        ]


def add_account(
    db: Database, actor: Principal | None, username: str, role: str, *, display_name: str | None = None,
    locale: str = "fi",
) -> NewAccount:
    """Open an account of any role (admins) with a one-time password."""
    require_admin(actor)
    assert actor is not None
    password = one_time_password()
    info = user_service.create_user(db, actor, username, password, role, display_name=display_name or None,
                                    locale=locale, must_change_password=True)
    return NewAccount(info.id, info.username, info.display_name, password)


def reset_password(db: Database, actor: Principal | None, user_id: int) -> NewAccount:
    """A new one-time password; the person is logged out everywhere and must change it."""
    require_admin(actor)
    assert actor is not None
    password = one_time_password()
    auth.reset_password(db, actor, user_id, password)
    info = user_service.get_user(db, actor, user_id)
    return NewAccount(info.id, info.username, info.display_name, password)


def set_active(db: Database, actor: Principal | None, user_id: int, active: bool) -> AccountRow:
    """Switch an account off (it cannot log in; its data stays) or on again."""
    require_admin(actor)
    assert actor is not None
    with db.transaction() as session:
        user = user_repo.get_user(session, user_id) if isinstance(user_id, int) else None
        if user is None:
            raise NotFound("user not found", reason="user_not_found")
        if not active and user.id == actor.user_id:
            raise InvalidInput("you cannot deactivate yourself", field="user_id", reason="deactivate_self")
        if not active and user.role == "admin":
            if not user_repo.count_active_admins(session, other_than=user.id):
                raise InvalidInput("the last admin must stay active", field="user_id", reason="last_admin")
        now = utcnow()
        user.deactivated_at = None if active else (user.deactivated_at or now)
        if not active:
            session_repo.revoke_all_for_user(session, user.id, now)
    log.info("user %d %s by %d", user_id, "activated" if active else "deactivated", actor.user_id)
    return next(row for row in list_accounts(db, actor) if row.id == user_id)


def deletion_preview(db: Database, actor: Principal | None, user_id: int) -> DeletionPreview:
    """What ``delete_account`` would remove, counted, for the admin to read first."""
    require_admin(actor)
    with db.read() as session:
        user = user_repo.get_user(session, user_id) if isinstance(user_id, int) else None
        if user is None:
            raise NotFound("user not found", reason="user_not_found")
        return DeletionPreview(user.id, user.username, user_repo.footprint(session, user.id))


def delete_account(db: Database, actor: Principal | None, user_id: int) -> None:
    """Delete an account and everything of theirs (``users.delete_user``)."""
    user_service.delete_user(db, require_admin(actor), user_id)


# --- a whole class from a CSV file -------------------------------------------------------------


def _column(header: list[str], names: tuple[str, ...]) -> int | None:
    lowered = [h.strip().lower() for h in header]
    return next((lowered.index(n) for n in names if n in lowered), None)


def _cell(record: list[str], index: int | None) -> str:
    return record[index].strip() if index is not None and index < len(record) else ""


def parse_class_csv(text: str) -> tuple[list[tuple[int, str, str, str]], list[RowProblem]]:
    """Rows ``(line, name, username, email)`` of a class file, and the problems found.

    The first line is a header naming the columns (name, username, optional email; Finnish
    names work too). Comma or semicolon separated (Excel in Finland writes semicolons).
    """
    if len(text.encode("utf-8")) > IMPORT_MAX_BYTES:
        return [], [RowProblem(0, "file_too_large")]
    text = text.lstrip("\ufeff")
    try:
        dialect = csv.Sniffer().sniff(text.splitlines()[0] if text.strip() else ",", delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    header = next(reader, None)
    if header is None:
        return [], [RowProblem(0, "file_empty")]
    name_col, user_col, email_col = (_column(header, NAME_HEADERS), _column(header, USERNAME_HEADERS),
                                     _column(header, EMAIL_HEADERS))
    if name_col is None or user_col is None:
        return [], [RowProblem(1, "header_missing", ", ".join(header))]
    rows: list[tuple[int, str, str, str]] = []
    problems: list[RowProblem] = []
    seen: dict[str, int] = {}
    for line, record in enumerate(reader, start=2):
        if not any(cell.strip() for cell in record):
            continue
        if len(rows) >= IMPORT_MAX_ROWS:
            problems.append(RowProblem(line, "too_many_rows", str(IMPORT_MAX_ROWS)))
            break
        name, username, email = (_cell(record, name_col), _cell(record, user_col), _cell(record, email_col))
        try:
            validate_display_name(name)
        except ServiceError as error:
            problems.append(RowProblem(line, error.reason or "name_invalid", name))
            continue
        try:
            username = validate_username(username)
        except ServiceError as error:
            problems.append(RowProblem(line, error.reason or "username_invalid", username))
            continue
        if username.lower() in seen:
            problems.append(RowProblem(line, "duplicate", username))
            continue
        seen[username.lower()] = line
        rows.append((line, name, username, email))
    if not rows and not problems:
        problems.append(RowProblem(0, "file_empty"))
    return rows, problems


def import_class(db: Database, actor: Principal | None, cohort_id: int, text: str, *, locale: str = "fi") -> ImportedClass:
    """Open a trainee account with a one-time password for every row, all in the cohort.

    Admins, and mentors of the cohort (who may open trainee accounts). Nothing is created
    when any row is wrong (``ImportRejected`` lists every problem by line).
    """
    principal = require_staff(actor)
    require_create_user(principal, "trainee", weak_password=False)
    with db.read() as session:
        cohort = require_cohort_mentor(session, principal, cohort_id)
        cohort_name = cohort.name
    rows, problems = parse_class_csv(text)
    with db.read() as session:
        for line, _, username, _ in rows:
            if user_repo.get_by_username(session, username) is not None:
                problems.append(RowProblem(line, "username_taken", username))
    if problems:
        raise ImportRejected(sorted(problems, key=lambda p: p.line))
    created: list[NewAccount] = []
    for _, name, username, email in rows:
        password = one_time_password()
        info = user_service.create_user(db, principal, username, password, "trainee", display_name=name,
                                        locale=locale, must_change_password=True, cohort_id=cohort_id)
        created.append(NewAccount(info.id, info.username, info.display_name, password, email))
    log.info("user %d imported %d trainees into cohort %d", principal.user_id, len(created), cohort_id)
    return ImportedClass(cohort_id=cohort_id, cohort_name=cohort_name, accounts=tuple(created))


__all__ = [
    "AccountRow",
    "DeletionPreview",
    "ImportRejected",
    "ImportedClass",
    "NewAccount",
    "RowProblem",
    "add_account",
    "delete_account",
    "deletion_preview",
    "import_class",
    "list_accounts",
    "parse_class_csv",
    "reset_password",
    "set_active",
]
