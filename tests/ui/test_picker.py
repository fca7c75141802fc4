"""AppTest of the scenario picker: cards with the facts a trainee chooses by, and resuming."""

from __future__ import annotations

from collections.abc import Callable

from streamlit.testing.v1 import AppTest

from simulator.content.library import get_library
from simulator.ui.components.text import escape
from simulator.ui.i18n import translate


def test_cards_show_title_client_difficulty_language_and_goals(
    app: Callable[..., AppTest], login_token: Callable[..., str]
) -> None:
    at = app(login_token("trainee")).run()
    assert not at.exception, at.exception
    assert translate("fi", "picker.title") in [t.value for t in at.title]
    shown = "\n".join(m.value for m in at.markdown) + "\n".join(c.value for c in at.caption)
    for scenario in get_library().scenarios.values():
        assert scenario.title in shown or scenario.title.replace(":", "\\:") in shown or any(
            scenario.title[:10] in m.value.replace("\\", "") for m in at.markdown
        )
        assert at.button(key=f"picker_start_{scenario.id}")
        plain = shown.replace("\\", "")
        assert scenario.persona.name in plain
        assert scenario.learning_goals[0] in plain
        assert translate("fi", f"picker.difficulty_{scenario.difficulty}") in plain
    expander_labels = [e.label for e in at.expander]
    assert translate("fi", "picker.learning_goals") in expander_labels


def test_language_filter(app: Callable[..., AppTest], login_token: Callable[..., str]) -> None:
    at = app(login_token("trainee")).run()
    at.radio(key="picker_language").set_value("en").run()
    assert not at.exception, at.exception
    english = [s.id for s in get_library().scenarios.values() if s.language == "en"]
    finnish = [s.id for s in get_library().scenarios.values() if s.language == "fi"]
    for scenario_id in english:
        assert at.button(key=f"picker_start_{scenario_id}")
    keys = {b.key for b in at.button}
    assert not any(f"picker_start_{scenario_id}" in keys for scenario_id in finnish)


def test_start_opens_the_practice_page_and_the_card_then_offers_to_continue(
    app: Callable[..., AppTest], login_token: Callable[..., str]
) -> None:
    scenario = next(iter(get_library().scenarios.values()))
    at = app(login_token("trainee")).run()
    at.button(key=f"picker_start_{scenario.id}").click().run()
    assert not at.exception, at.exception
    assert escape(scenario.title) in [t.value for t in at.title]  # shown as inert text
    again = app(login_token("trainee")).run()
    assert again.button(key=f"picker_continue_{scenario.id}")
