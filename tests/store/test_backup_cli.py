"""The operator commands (db, users, demo, purge, backup, restore) through ``simulator.cli.main``."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from simulator.cli import main
from simulator.service import auth
from simulator.store import Database, migrate
from simulator.store import cohorts as cohort_repo
from simulator.store import users as user_repo
from simulator.store.backup import BackupError, backup_sqlite, restore_sqlite


@pytest.fixture
def sqlite_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'kohtaamo.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    return url


def _stdin(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(text))


def test_db_upgrade_and_current(sqlite_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["db", "current"]) == 1
    assert "simulator db upgrade" in capsys.readouterr().err
    assert main(["db", "upgrade"]) == 0
    head = migrate.head_revision()  # the newest revision, whichever it is
    assert f"-> {head}" in capsys.readouterr().out
    assert main(["db", "upgrade"]) == 0
    assert f"already at revision {head}" in capsys.readouterr().out
    assert main(["db", "current"]) == 0
    assert "up to date" in capsys.readouterr().out


def test_db_upgrade_on_postgres(pg_new_database, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    url = pg_new_database()
    assert main(["db", "upgrade", "--database-url", url]) == 0
    assert migrate.is_up_to_date(url)


def test_unreachable_database_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["db", "current", "--database-url", "postgresql://nobody:hunter2@127.0.0.1:1/x"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("simulator: error: database error at") and "Traceback" not in err
    assert "hunter2" not in err


def test_users_add_reads_password_from_stdin(sqlite_url: str, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["users", "add", "maija", "--role", "mentor"]) == 1  # schema missing: says so
    assert "db upgrade" in capsys.readouterr().err
    main(["db", "upgrade"])
    _stdin(monkeypatch, "hyvä-salasana\n")
    assert main(["users", "add", "Maija", "--role", "mentor", "--display-name", "Maija M", "--locale", "en"]) == 0
    assert "created mentor Maija" in capsys.readouterr().out
    db = Database(sqlite_url)
    try:
        principal, _ = auth.login(db, "maija", "hyvä-salasana")
        assert (principal.role, principal.display_name, principal.locale) == ("mentor", "Maija M", "en")
    finally:
        db.dispose()
    _stdin(monkeypatch, "short\n")
    assert main(["users", "add", "pekka", "--role", "trainee"]) == 1
    assert "at least 8 characters" in capsys.readouterr().err
    _stdin(monkeypatch, "another-pw\n")
    assert main(["users", "add", "MAIJA", "--role", "trainee"]) == 1
    assert "taken" in capsys.readouterr().err
    assert main(["users", "add", "bad name", "--role", "trainee"]) == 1
    assert main(["users", "list"]) == 0
    assert "Maija\tmentor" in capsys.readouterr().out


def test_users_add_asks_twice_on_a_terminal(sqlite_url: str, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    main(["db", "upgrade"])

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr("sys.stdin", Tty())
    answers = iter(["first-password", "other-password"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    assert main(["users", "add", "tiina", "--role", "trainee"]) == 1
    assert "differ" in capsys.readouterr().err
    answers = iter(["same-password", "same-password"])
    assert main(["users", "add", "tiina", "--role", "trainee"]) == 0


def test_users_delete_and_reset(sqlite_url: str, monkeypatch: pytest.MonkeyPatch,
                                capsys: pytest.CaptureFixture[str]) -> None:
    main(["demo"])
    assert main(["users", "delete", "trainee"]) == 1  # not a TTY: needs --yes
    assert main(["users", "delete", "trainee", "--yes"]) == 0
    assert main(["users", "delete", "nobody", "--yes"]) == 1
    _stdin(monkeypatch, "temporary-pw\n")
    assert main(["users", "reset-password", "mentor"]) == 0
    db = Database(sqlite_url)
    try:
        principal, _ = auth.login(db, "mentor", "temporary-pw")
        assert principal.must_change_password
    finally:
        db.dispose()


def test_demo_seeds_only_an_empty_database(sqlite_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo"]) == 0
    assert "trainee/trainee" in capsys.readouterr().out
    db = Database(sqlite_url)
    try:
        for name in ("trainee", "mentor", "admin"):
            principal, _ = auth.login(db, name, name)
            assert principal.role == name
        with db.read() as session:
            [(cohort_id, name, _, _)] = cohort_repo.summaries(session)
            assert name == "Demo-ryhmä"
            assert [u.username for u in cohort_repo.mentors(session, cohort_id)] == ["mentor"]
            assert [u.username for u in cohort_repo.members(session, cohort_id)] == ["trainee"]
        assert main(["demo"]) == 0
        assert "already has 3 user(s)" in capsys.readouterr().out
        with db.read() as session:
            assert user_repo.count_users(session) == 3
    finally:
        db.dispose()


def test_demo_does_nothing_next_to_real_accounts(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    main(["db", "upgrade"])
    _stdin(monkeypatch, "real-password\n")
    main(["users", "add", "real", "--role", "admin"])
    assert main(["demo"]) == 0
    db = Database(sqlite_url)
    try:
        with db.read() as session:
            assert [u.username for u in user_repo.list_users(session)] == ["real"]
    finally:
        db.dispose()


def test_purge_command(sqlite_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    main(["demo"])
    capsys.readouterr()
    assert main(["purge", "--days", "30"]) == 0
    assert "deleted 0 attempt(s)" in capsys.readouterr().out
    assert main(["purge", "--days", "0"]) == 1
    assert "at least 1" in capsys.readouterr().err


def test_backup_restore_roundtrip(sqlite_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["demo"])
    backup = tmp_path / "backups" / "copy.db"
    assert main(["backup", str(backup)]) == 0
    assert backup.is_file()
    assert main(["backup", str(backup)]) == 1  # no silent overwrite
    assert "already exists" in capsys.readouterr().err

    db = Database(sqlite_url)
    try:
        with db.transaction() as session:
            user_repo.delete_user(session, user_repo.get_by_username(session, "trainee").id)
            user_repo.add_user(session, username="after", display_name="a", password_hash="h", role="trainee")
    finally:
        db.dispose()
    assert main(["restore", str(backup)]) == 0
    db = Database(sqlite_url)
    try:
        with db.read() as session:
            assert sorted(u.username for u in user_repo.list_users(session)) == ["admin", "mentor", "trainee"]
        auth.login(db, "trainee", "trainee")
        assert migrate.is_up_to_date(db.sql_engine)
    finally:
        db.dispose()


def test_backup_while_the_app_holds_connections(sqlite_db: Database, tmp_path: Path) -> None:
    with sqlite_db.transaction() as session:
        user_repo.add_user(session, username="live", display_name="l", password_hash="h", role="trainee")
    with sqlite_db.read() as session:  # an open reader does not block the backup
        user_repo.count_users(session)
        backup_sqlite(sqlite_db.url, tmp_path / "live.db")
    copy = Database(f"sqlite:///{tmp_path / 'live.db'}")
    try:
        with copy.read() as session:
            assert user_repo.get_by_username(session, "live") is not None
    finally:
        copy.dispose()


def test_restore_refuses_foreign_files(sqlite_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    junk = tmp_path / "junk.db"
    junk.write_text("not a database at all, just text" * 100)
    assert main(["restore", str(junk)]) == 1
    assert "not a SQLite database" in capsys.readouterr().err
    assert main(["restore", str(tmp_path / "missing.db")]) == 1
    with pytest.raises(BackupError):
        restore_sqlite(sqlite_url, junk)


def test_backup_on_postgres_points_to_pg_dump(capsys: pytest.CaptureFixture[str]) -> None:
    url = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
    assert main(["backup", "x.db", "--database-url", url]) == 1
    assert "pg_dump" in capsys.readouterr().err
    assert main(["restore", "x.db", "--database-url", url]) == 1
    assert "pg_dump" in capsys.readouterr().err
