"""A malformed content file at app start: the app keeps running with the valid content and
shows the problem (file, line, field) to an admin only.

The app reads its content from ``KOHTAAMO_CONTENT``; the test points it at a copy of the
real content in which one scenario file is broken, and clears the process-wide library
cache before and after so no other test sees the broken copy.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from simulator.content.library import get_library
from simulator.paths import CONTENT_ENV, content_root
from simulator.service import catalogue, content_status
from simulator.service.auth import Principal
from simulator.service.errors import Forbidden
from simulator.store import Database
from simulator.ui.i18n import translate

from .support import go

BROKEN = "en-young-bad-experience"
WORKING = "fi-kiintiopakolainen"
BAD_VALUE = "difficulty: impossible"


@pytest.fixture
def broken_content(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Path, int]]:
    """A content copy with one scenario's ``difficulty`` invalid; yields (file, its line)."""
    source = content_root()
    if not (source / "scenarios" / f"{BROKEN}.yaml").is_file() or not (source / "scenarios" / f"{WORKING}.yaml").is_file():
        pytest.skip(f"scenarios {BROKEN} and {WORKING} are needed in the content")
    root = tmp_path / "content"
    shutil.copytree(source / "rubrics", root / "rubrics")
    shutil.copytree(source / "scenarios", root / "scenarios")
    path = root / "scenarios" / f"{BROKEN}.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    number = next(i for i, line in enumerate(lines, start=1) if line.startswith("difficulty:"))
    lines[number - 1] = BAD_VALUE + "\n"
    path.write_text("".join(lines), encoding="utf-8")
    monkeypatch.setenv(CONTENT_ENV, str(root))
    get_library.cache_clear()
    yield path, number
    get_library.cache_clear()




def _texts(at: AppTest) -> list[str]:
    parts = [e.value for e in at.text] + [e.value for e in at.code] + [e.value for e in at.markdown]
    parts += [e.value for e in at.error] + [e.value for e in at.success] + [e.value for e in at.title]
    return [str(p) for p in parts]


def test_admin_sees_file_line_and_field_of_the_broken_scenario(
    broken_content: tuple[Path, int], app: Callable[..., AppTest], login_token: Callable[..., str]
) -> None:
    _, line = broken_content
    at = app(login_token("admin")).run()
    assert not at.exception, at.exception
    go(at, "admin_content")
    shown = _texts(at)
    assert translate("fi", "admin_content.title") in shown
    location = translate("fi", "admin_content.location", location=f"scenarios/{BROKEN}.yaml:{line}")
    assert location in shown, shown
    assert translate("fi", "admin_content.field", field="difficulty") in shown
    assert any(BAD_VALUE in text for text in shown), "the offending line is shown"
    # What is wrong is said in Finnish; pydantic's English is only the technical detail.
    assert translate("fi", "admin_content.problem.literal_error") in shown
    assert not any(text.startswith("Input should be") for text in shown)
    assert translate("fi", "admin_content.has_errors", count=1) in shown, "one problem, in the singular"
    assert [m.value for m in at.metric if m.label == translate("fi", "admin_content.errors")] == ["1"]
    assert at.error, "the page says content was kept out of use"
    # The broken scenario is out of service; the others are in.
    in_service = next(text for text in shown if WORKING in text and "\n" in text)
    assert BROKEN not in in_service


def test_other_scenarios_still_work_for_a_trainee(
    broken_content: tuple[Path, int], app: Callable[..., AppTest], login_token: Callable[..., str], ui_db: Database
) -> None:
    at = app(login_token("trainee")).run()
    assert not at.exception, at.exception
    keys = {button.key for button in at.button}
    assert f"picker_start_{WORKING}" in keys
    assert f"picker_start_{BROKEN}" not in keys
    at.button(key=f"picker_start_{WORKING}").click().run()
    assert not at.exception, at.exception
    at.chat_input(key="practice_input").set_value("Hei, tervetuloa! Meillä on tunti aikaa.").run()
    assert not at.exception, at.exception
    assert len(at.chat_message) >= 3  # the opening line, the reply and the client's answer
    # The admin page is not in a trainee's navigation, and the service refuses anyway.
    trainee = next(p for p in _principals(ui_db) if p.role == "trainee")
    with pytest.raises(Forbidden):
        content_status.content_issues(trainee)
    assert BROKEN not in {card.id for card in catalogue.list_scenarios(trainee)}


def test_content_issues_are_for_admins_only(broken_content: tuple[Path, int], ui_db: Database) -> None:
    principals = _principals(ui_db)
    for principal in principals:
        if principal.role == "admin":
            issues = content_status.content_issues(principal)
            assert any(i.file == f"scenarios/{BROKEN}.yaml" and i.field == "difficulty" for i in issues)
        else:
            with pytest.raises(Forbidden):
                content_status.content_status(principal)


def _principals(db: Database) -> list[Principal]:
    from simulator.service import users
    from simulator.service.auth import SYSTEM

    return [
        Principal(user_id=u.id, username=u.username, role=u.role, locale=u.locale, display_name=u.display_name)
        for u in users.list_users(db, SYSTEM)
    ]


def test_admin_sees_the_questions_the_client_could_not_place(
    app: Callable[..., AppTest], login_token: Callable[..., str], ui_db: Database
) -> None:
    question = "Mikä on sinun lempivärisi?"
    trainee = app(login_token("trainee")).run()
    trainee.button(key=f"picker_start_{WORKING}").click().run()
    trainee.chat_input(key="practice_input").set_value(question).run()
    assert not trainee.exception, trainee.exception
    at = go(app(login_token("admin")).run(), "admin_content")
    assert translate("fi", "admin_content.unmatched") in [s.value for s in at.subheader]
    table = at.dataframe[0].value
    assert question in set(table[translate("fi", "admin_content.unmatched_question")])
