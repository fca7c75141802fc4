"""Migrations: both backends reach head, the models match the migrations, data survives."""

from __future__ import annotations

import warnings
from datetime import UTC, datetime
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, select, text

from simulator.store import Database, make_sql_engine, migrate
from simulator.store.models import Base

ALL_TABLES = {table.name for table in Base.metadata.sorted_tables} | {"alembic_version"}


def test_upgrade_to_head_creates_every_table(empty_db_url: str) -> None:
    assert migrate.current_revision(empty_db_url) is None
    migrate.upgrade(empty_db_url)
    assert migrate.current_revision(empty_db_url) == migrate.head_revision() == "0006"
    sql_engine = make_sql_engine(empty_db_url)
    try:
        assert set(inspect(sql_engine).get_table_names()) == ALL_TABLES
    finally:
        sql_engine.dispose()
    migrate.upgrade(empty_db_url)  # idempotent
    assert migrate.is_up_to_date(empty_db_url)


def test_models_match_migrations(db_url: str) -> None:
    sql_engine = make_sql_engine(db_url)
    try:
        with sql_engine.connect() as connection, warnings.catch_warnings():
            warnings.simplefilter("ignore")  # expression indexes cannot be reflected on SQLite
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
    finally:
        sql_engine.dispose()


# users.created_by came with 0004, the corrections' reason and withdrawal with 0005; older
# rows are read without them
ADDED_AFTER_REVISION_1 = {"created_by", "reason", "withdrawn_at", "withdrawn_by", "deactivated_at"}


def _at_revision_1(table: Any) -> Any:
    """Every row of a table, reading only the columns it had at revision 0001."""
    columns = [column for column in table.columns if column.name not in ADDED_AFTER_REVISION_1]
    return select(*columns).order_by(*table.primary_key.columns)


def test_data_written_at_first_revision_survives_upgrade(empty_db_url: str) -> None:
    migrate.upgrade(empty_db_url, "0001")
    assert migrate.current_revision(empty_db_url) == "0001"
    now = datetime(2025, 3, 1, 12, tzinfo=UTC)
    sql_engine = make_sql_engine(empty_db_url)
    # Core against the revision-1 tables, as an old version of the app would have written them.
    tables = {name: Base.metadata.tables[name] for name in ("users", "auth_sessions", "attempts", "turns", "login_throttle")}
    with sql_engine.begin() as connection:
        connection.execute(
            tables["users"].insert(),
            [
                {"id": 1, "username": "Maija", "display_name": "Maija Mäkelä", "password_hash": "$argon2id$x",
                 "role": "trainee", "locale": "fi", "must_change_password": False, "created_at": now},
                {"id": 2, "username": "mentor", "display_name": "Mentori", "password_hash": "$argon2id$y",
                 "role": "mentor", "locale": "en", "must_change_password": True, "created_at": now},
            ],
        )
        connection.execute(tables["auth_sessions"].insert(), {"id": 1, "token_hash": "a" * 64, "user_id": 1,
                           "created_at": now, "expires_at": now, "last_seen_at": now, "revoked_at": None})
        connection.execute(tables["login_throttle"].insert(), {"username": "ghost", "failures": 4,
                           "last_failure_at": now, "blocked_until": now})
        connection.execute(tables["attempts"].insert(), {"id": 7, "user_id": 1, "scenario_id": "amina", "language": "fi",
                           "status": "finished", "seed": 42, "state": {"stage": "farewell", "trust": 0.5},
                           "hints_used": 1, "overall_score": 3.5, "report": {"ok": True}, "shared_with_cohort": True,
                           "started_at": now, "updated_at": now, "finished_at": now})
        connection.execute(tables["turns"].insert(), [
            {"attempt_id": 7, "index": i, "reply": f"vastaus {i}", "client_line": "asiakas", "inner_thought": None,
             "signals": ["greeting"], "findings": [{"principle": "p", "span": [0, 3]}], "stage": "empathy",
             "trust": 0.1 * i, "state": {"i": i}, "created_at": now}
            for i in range(3)
        ])
        before = {name: connection.execute(_at_revision_1(table)).all() for name, table in tables.items()}
    sql_engine.dispose()

    migrate.upgrade(empty_db_url)

    sql_engine = make_sql_engine(empty_db_url)
    try:
        with sql_engine.connect() as connection:
            after = {name: connection.execute(_at_revision_1(table)).all() for name, table in tables.items()}
            assert after == before
            assert connection.execute(text("SELECT count(*) FROM cohorts")).scalar_one() == 0
    finally:
        sql_engine.dispose()
    # and the new tables work against the old rows
    db = Database(empty_db_url)
    try:
        from simulator.store import cohorts

        with db.transaction() as session:
            cohort = cohorts.create_cohort(session, "Ryhmä", created_by=2)
            cohorts.add_member(session, cohort.id, 1)
        with db.read() as session:
            assert [user.username for user in cohorts.members(session, cohort.id)] == ["Maija"]
    finally:
        db.dispose()


def _finding(principle: str, polarity: str, start: int | None) -> dict[str, object]:
    spans = [] if start is None else [{"start": start, "end": start + 4, "text": "sana"}]
    return {"principle": principle, "stage": "empathy", "polarity": polarity, "weight": 1.0, "spans": spans,
            "message": {}, "source": "engine"}


def test_finished_attempts_get_their_summary_backfilled_at_0003(empty_db_url: str) -> None:
    """Data written at 0002 (a finished, corrected attempt; an active one) survives 0003, and the
    finished attempt's summary is computed from its stored report, turn findings and corrections."""
    migrate.upgrade(empty_db_url, "0002")
    now = datetime(2025, 4, 2, 23, 30, tzinfo=UTC)
    t = Base.metadata.tables
    old_tables = ("users", "attempts", "turns", "cohorts", "cohort_members", "corrections")
    sql_engine = make_sql_engine(empty_db_url)
    report = {
        "overall": 61, "stages": {"empathy": 70, "guidance": 55, "advisory": None, "farewell": 40},
        "session_findings": [_finding("session.stage_order", "positive", None),
                             _finding("session.talk_ratio", "negative", None)],
    }
    with sql_engine.begin() as connection:
        connection.execute(t["users"].insert(), [
            {"id": 1, "username": "maija", "display_name": "Maija", "password_hash": "$argon2id$x", "role": "trainee",
             "locale": "fi", "must_change_password": False, "created_at": now},
            {"id": 2, "username": "mentor", "display_name": "Mentori", "password_hash": "$argon2id$y",
             "role": "mentor", "locale": "fi", "must_change_password": False, "created_at": now},
        ])
        common = {"user_id": 1, "scenario_id": "fi-kiintiopakolainen", "language": "fi", "seed": 1, "state": {},
                  "shared_with_cohort": False, "started_at": now, "updated_at": now}
        connection.execute(t["attempts"].insert(), [
            {**common, "id": 10, "status": "finished", "hints_used": 2, "overall_score": 61.0, "report": report,
             "finished_at": now},
            {**common, "id": 11, "status": "active", "hints_used": 0, "overall_score": None, "report": None,
             "finished_at": None},
        ])
        turn = {"reply": "Hei", "client_line": "Moi", "inner_thought": None, "signals": [], "stage": "empathy",
                "trust": 0.0, "state": {"big": "x" * 100}, "created_at": now}
        connection.execute(t["turns"].insert(), [
            {**turn, "id": 100, "attempt_id": 10, "index": 0,
             "findings": [_finding("empathy.welcome", "positive", 0), _finding("empathy.no_computer", "negative", 5)]},
            {**turn, "id": 101, "attempt_id": 10, "index": 1,
             "findings": [_finding("empathy.welcome", "positive", 2)]},
            {**turn, "id": 102, "attempt_id": 11, "index": 0, "findings": [_finding("empathy.welcome", "positive", 0)]},
        ])
        connection.execute(t["corrections"].insert(), [
            {"id": 1, "turn_id": 100, "author_id": 2, "action": "dismiss", "principle_id": "empathy.no_computer",
             "finding_key": "empathy.no_computer@5", "note": "", "created_at": now},
            {"id": 2, "turn_id": 101, "author_id": 2, "action": "add", "principle_id": "empathy.introduce_self",
             "finding_key": "empathy.introduce_self@-1", "note": "", "created_at": now},
        ])
        before = {name: connection.execute(_at_revision_1(t[name])).all()
                  for name in old_tables}
    sql_engine.dispose()

    migrate.upgrade(empty_db_url)

    sql_engine = make_sql_engine(empty_db_url)
    try:
        with sql_engine.connect() as connection:
            after = {name: connection.execute(_at_revision_1(t[name])).all()
                     for name in old_tables}
            assert after == before
            summaries = connection.execute(t["attempt_summaries"].select()).mappings().all()
            assert [dict(s) for s in summaries] == [{
                "attempt_id": 10, "user_id": 1, "scenario_id": "fi-kiintiopakolainen", "finished_at": now,
                "overall": 61.0, "empathy": 70.0, "guidance": 55.0, "advisory": None, "farewell": 40.0,
                "hints_used": 2,
            }]
            counts = {(r.principle_id): (r.kept, r.broken) for r in connection.execute(
                t["attempt_principle_counts"].select().where(t["attempt_principle_counts"].c.attempt_id == 10))}
            assert counts == {
                "empathy.welcome": (2, 0),          # two engine findings
                "empathy.introduce_self": (1, 0),   # the mentor's addition (polarity from the content)
                "session.stage_order": (1, 0),
                "session.talk_ratio": (0, 1),
            }  # empathy.no_computer was dismissed; the active attempt has no summary
    finally:
        sql_engine.dispose()
    # The backfilled rows are what the app itself would have written for the same data.
    db = Database(empty_db_url)
    try:
        from simulator.store import attempts as attempt_repo
        from simulator.store.models import Attempt, AttemptSummaryRow

        with db.transaction() as session:
            attempt = session.get(Attempt, 11)
            assert attempt is not None and session.get(AttemptSummaryRow, 11) is None
            attempt_repo.finish_attempt(session, attempt, overall_score=50.0, report={"stages": {"empathy": 50}})
        with db.read() as session:
            row = session.get(AttemptSummaryRow, 11)
            assert row is not None and (row.overall, row.empathy, row.guidance) == (50.0, 50.0, None)
    finally:
        db.dispose()


def test_downgrade_and_upgrade_again(empty_db_url: str) -> None:
    migrate.upgrade(empty_db_url)
    migrate.downgrade(empty_db_url, "0001")
    assert migrate.current_revision(empty_db_url) == "0001"
    migrate.upgrade(empty_db_url)
    assert migrate.is_up_to_date(empty_db_url)


def test_migration_scripts_ship_inside_the_package() -> None:
    versions = migrate.MIGRATIONS_DIR / "versions"
    assert (migrate.MIGRATIONS_DIR / "env.py").is_file()
    assert (migrate.MIGRATIONS_DIR / "script.py.mako").is_file()
    assert sorted(p.name for p in versions.glob("0*.py")) == ["0001_initial.py", "0002_cohorts_review.py",
                                                                 "0003_attempt_summaries.py", "0004_consent_audit.py",
                                                                 "0005_correction_history.py", "0006_account_deactivation.py"]


@pytest.mark.parametrize("url", ["postgresql://u:p@h/db", "postgres://u@h/db"])
def test_plain_postgresql_urls_use_psycopg3(url: str) -> None:
    from simulator.store import normalise_url

    assert normalise_url(url).startswith("postgresql+psycopg://")
