"""Accounts for an admin and a whole class at once, through the service and its policy."""

from __future__ import annotations

import csv
import io

import pytest

from simulator.service import accounts, auth, cohorts, users
from simulator.service.auth import SYSTEM
from simulator.service.class_sheet import CSV_COLUMNS, class_csv, class_pdf
from simulator.service.errors import Forbidden, InvalidCredentials, InvalidInput
from simulator.store import Database

CLASS = """nimi;käyttäjätunnus;sähköposti
Aino Virtanen;aino.virtanen;aino@example.org
Mehmet Yilmaz;mehmet.yilmaz;
=Leila Haddad;leila.haddad;leila@example.org
"""


@pytest.fixture
def people(sqlite_db: Database) -> dict[str, auth.Principal]:
    for name, role in (("admin", "admin"), ("mentor", "mentor"), ("trainee", "trainee")):
        users.create_user(sqlite_db, SYSTEM, name, f"{name}-salasana", role)
    return {name: auth.login(sqlite_db, name, f"{name}-salasana")[0] for name in ("admin", "mentor", "trainee")}


def test_only_admins_manage_accounts(sqlite_db: Database, people: dict[str, auth.Principal]) -> None:
    for who in ("mentor", "trainee"):
        with pytest.raises(Forbidden):
            accounts.list_accounts(sqlite_db, people[who])
        with pytest.raises(Forbidden):
            accounts.add_account(sqlite_db, people[who], "uusi.mentori", "mentor")
    assert {row.username for row in accounts.list_accounts(sqlite_db, people["admin"])} == {"admin", "mentor", "trainee"}


def test_add_any_role_with_a_one_time_password(sqlite_db: Database, people: dict[str, auth.Principal]) -> None:
    made = accounts.add_account(sqlite_db, people["admin"], "uusi.mentori", "mentor", display_name="Uusi Mentori")
    principal, _ = auth.login(sqlite_db, "uusi.mentori", made.one_time_password)
    assert principal.role == "mentor" and principal.must_change_password


def test_reset_deactivate_and_delete_with_a_preview(sqlite_db: Database, people: dict[str, auth.Principal]) -> None:
    admin, trainee = people["admin"], people["trainee"]
    reset = accounts.reset_password(sqlite_db, admin, trainee.user_id)
    with pytest.raises(InvalidCredentials):
        auth.login(sqlite_db, "trainee", "trainee-salasana")
    auth.login(sqlite_db, "trainee", reset.one_time_password)
    row = accounts.set_active(sqlite_db, admin, trainee.user_id, False)
    assert not row.active
    with pytest.raises(InvalidCredentials):
        auth.login(sqlite_db, "trainee", reset.one_time_password)
    assert accounts.set_active(sqlite_db, admin, trainee.user_id, True).active
    auth.login(sqlite_db, "trainee", reset.one_time_password)
    with pytest.raises(InvalidInput) as error:
        accounts.set_active(sqlite_db, admin, admin.user_id, False)
    assert error.value.reason == "deactivate_self"
    preview = accounts.deletion_preview(sqlite_db, admin, trainee.user_id)
    assert preview.username == "trainee" and preview.stored.sessions >= 1
    accounts.delete_account(sqlite_db, admin, trainee.user_id)
    assert "trainee" not in {row.username for row in accounts.list_accounts(sqlite_db, admin)}


def test_a_class_is_imported_into_a_cohort_with_sheets(sqlite_db: Database, people: dict[str, auth.Principal]) -> None:
    cohort = cohorts.create_cohort(sqlite_db, people["mentor"], "Kevät 2027")
    imported = accounts.import_class(sqlite_db, people["mentor"], cohort.id, CLASS)
    assert [a.username for a in imported.accounts] == ["aino.virtanen", "mehmet.yilmaz", "leila.haddad"]
    members = {m.username for m in cohorts.get_cohort(sqlite_db, people["mentor"], cohort.id).members}
    assert members == {"aino.virtanen", "mehmet.yilmaz", "leila.haddad"}
    first = imported.accounts[0]
    assert auth.login(sqlite_db, first.username, first.one_time_password)[0].must_change_password
    rows = list(csv.DictReader(io.StringIO(class_csv(imported))))
    assert tuple(rows[0]) == CSV_COLUMNS and rows[0]["email"] == "aino@example.org"
    assert rows[2]["name"] == "'=Leila Haddad", "a formula-looking name is defused in the CSV"
    pdf = class_pdf(imported, {"title": "Ryhmä {cohort}", "username": "Tunnus", "password": "Salasana",
                               "address": "Osoite", "note": "Vaihda salasana."}, "https://kohtaamo.example.org")
    assert pdf.startswith(b"%PDF-") and len(pdf) > 1000


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("name,username\nAino,aino\nToinen,AINO\n", "duplicate"),
        ("name,username\nAino,ai no\n", "username_characters"),
        ("nimi,sähköposti\nAino,a@b.fi\n", "header_missing"),
        ("name,username\n,aino\n", "display_name_empty"),
        ("name,username\nMentori,mentor\n", "username_taken"),
        ("", "file_empty"),
    ],
    ids=["duplicate", "bad-username", "no-username-column", "no-name", "taken", "empty"],
)
def test_a_bad_class_file_creates_nothing_and_names_the_line(
    sqlite_db: Database, people: dict[str, auth.Principal], text: str, reason: str
) -> None:
    cohort = cohorts.create_cohort(sqlite_db, people["mentor"], "Kevät")
    before = len(accounts.list_accounts(sqlite_db, people["admin"]))
    with pytest.raises(accounts.ImportRejected) as error:
        accounts.import_class(sqlite_db, people["mentor"], cohort.id, text)
    assert reason in {p.reason for p in error.value.problems}
    assert len(accounts.list_accounts(sqlite_db, people["admin"])) == before


def test_a_mentor_imports_only_into_their_own_cohort(sqlite_db: Database, people: dict[str, auth.Principal]) -> None:
    theirs = cohorts.create_cohort(sqlite_db, people["admin"], "Toisen ryhmä")
    with pytest.raises(Forbidden):
        accounts.import_class(sqlite_db, people["mentor"], theirs.id, CLASS)
    with pytest.raises(Forbidden):
        accounts.import_class(sqlite_db, people["trainee"], theirs.id, CLASS)
