"""Unmatched questions are read back from the stored attempts (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest

from simulator.cli import main
from simulator.service.auth import SYSTEM, Principal
from simulator.service.content_status import unmatched_questions as service_unmatched
from simulator.service.errors import Forbidden
from simulator.store import Database
from simulator.store.attempts import create_attempt
from simulator.store.unmatched import unmatched_questions
from simulator.store.users import add_user


def _turn(question: str | None) -> dict:
    return {"index": 0, "reply": question or "Hei.", "question": question}


def _seed(db: Database) -> None:
    with db.transaction() as session:
        user = add_user(session, username="asker", display_name="A", password_hash="h", role="trainee")
        create_attempt(session, user_id=user.id, scenario_id="mini-client", language="fi",
                       state={"turns": [_turn("Mikä on lempivärisi?"), _turn(None), _turn("Pidätkö  kahvista?")]})
        create_attempt(session, user_id=user.id, scenario_id="mini-client", language="fi",
                       state={"turns": [_turn("Mikä on lempivärisi?")]})
        create_attempt(session, user_id=user.id, scenario_id="other", language="en",
                       state={"turns": [_turn("What's your favourite colour?")]})
        create_attempt(session, user_id=user.id, scenario_id="other", language="en", state={"turns": "not a list"})


def test_unmatched_questions_are_counted_per_scenario(db: Database) -> None:
    _seed(db)
    with db.transaction() as session:
        rows = unmatched_questions(session)
        only = unmatched_questions(session, "other")
    assert [(r.scenario_id, r.question, r.count) for r in rows] == [
        ("mini-client", "Mikä on lempivärisi?", 2),
        ("mini-client", "Pidätkö kahvista?", 1),
        ("other", "What's your favourite colour?", 1),
    ]
    assert [r.scenario_id for r in only] == ["other"]


def test_only_admins_read_them(db: Database) -> None:
    trainee = Principal(user_id=1, username="t", display_name="T", role="trainee", locale="fi")
    with pytest.raises(Forbidden):
        service_unmatched(trainee, db)
    assert service_unmatched(SYSTEM, db) == []


def test_the_cli_lists_them(db_url: str, db: Database, capsys: pytest.CaptureFixture[str]) -> None:
    _seed(db)
    assert main(["unmatched", "--database-url", db_url, "--scenario", "mini-client"]) == 0
    out = capsys.readouterr().out
    assert "mini-client:" in out and "2  Mikä on lempivärisi?" in out and "other" not in out
