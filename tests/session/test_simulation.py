"""A whole session through the engine: replies, rejections, hints, end, serialise/restore."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.session.simulation import MAX_HINTS, MAX_REPLY_CHARS, ReplyRejected, SessionClosed, Simulation
from simulator.engine.state import SessionState
from simulator.language import get_detector
from simulator.rubric.scoring import score_reply
from simulator.engine.state import SignalRecord, Span

REPLIES = [
    "Hei ja tervetuloa! Minä olen Anna.",
    "Kerro, mikä sinut tuo tänne tänään?",
    "Mitä toivoisit tältä tapaamiselta?",
    "Kielikurssi alkaa tammikuussa, ja se on sinulle maksuton.",
    "Sovitaan, että soitan sinulle ensi maanantaina.",
    "Kerrataan vielä: sinä menet kielikurssille ja minä soitan maanantaina.",
]


def play(mini, replies: list[str], seed: int = 7) -> Simulation:
    scenario, rubric = mini
    simulation = Simulation.start(scenario, rubric, seed=seed)
    for reply in replies:
        simulation.reply(reply)
    return simulation


def test_a_reply_is_recorded_with_signals_findings_and_a_client_line(mini) -> None:
    simulation = play(mini, REPLIES[:1])
    turn = simulation.state.turns[0]
    assert "greeting" in turn.signal_names
    welcome = [f for f in turn.findings if f.principle == "empathy.welcome"]
    assert welcome and welcome[0].spans[0].text.lower().startswith("hei")
    assert turn.client_line and turn.client_line_id in simulation.state.used_lines


def test_the_meeting_climbs_the_stages(mini) -> None:
    simulation = play(mini, REPLIES)
    stages = [turn.stage for turn in simulation.state.turns]
    assert stages[0] == "empathy" and "guidance" in stages and "advisory" in stages
    assert simulation.state.stage == "farewell"
    assert "kp-course" in simulation.state.key_points


def test_restored_session_continues_exactly_like_an_uninterrupted_one(mini) -> None:
    scenario, rubric = mini
    whole = play(mini, REPLIES)
    for cut in range(len(REPLIES) + 1):
        first = play(mini, REPLIES[:cut])
        restored = Simulation.restore(scenario, rubric, first.state.model_dump_json())
        assert restored.state == first.state
        for reply in REPLIES[cut:]:
            restored.reply(reply)
        assert restored.state.model_dump_json() == whole.state.model_dump_json(), f"diverged after a cut at {cut}"


@pytest.mark.parametrize("text,code", [("", "empty"), ("   \n\t ", "empty"), ("a" * (MAX_REPLY_CHARS + 1), "too_long")])
def test_bad_replies_are_refused_and_change_nothing(mini, text: str, code: str) -> None:
    simulation = play(mini, REPLIES[:1])
    before = simulation.state.model_dump_json()
    with pytest.raises(ReplyRejected) as refused:
        simulation.reply(text)
    assert refused.value.code == code
    assert simulation.state.model_dump_json() == before


def test_hints_are_limited_and_counted(mini) -> None:
    simulation = play(mini, REPLIES[:1])
    hints = [simulation.hint("fi") for _ in range(MAX_HINTS)]
    assert all(hints)
    with pytest.raises(ReplyRejected) as refused:
        simulation.hint("fi")
    assert refused.value.code == "hint_limit"
    assert simulation.report().hints_used == MAX_HINTS


def test_each_hint_costs_points(mini) -> None:
    plain = play(mini, REPLIES).report().overall
    hinted = play(mini, REPLIES)
    hinted.hint("en")
    assert hinted.report().overall < plain


def test_finished_session_is_read_only(mini) -> None:
    simulation = play(mini, REPLIES)
    report = simulation.end()
    assert simulation.state.finished and simulation.state.stage_history[-1] == "closed"
    assert simulation.end() == report, "ending twice changes nothing"
    with pytest.raises(SessionClosed):
        simulation.reply("Vielä yksi asia.")
    with pytest.raises(SessionClosed):
        simulation.hint("fi")


def test_state_json_roundtrip() -> None:
    state = SessionState(
        scenario_id="x", rubric_id="y", language="fi", seed=1, stage="guidance", trust=40,
        stage_history=["empathy", "guidance"], opening_line="Hei.",
    )
    assert SessionState.model_validate_json(state.model_dump_json()) == state


TEXT = st.text(
    alphabet=st.characters(codec="utf-8", categories=("L", "M", "N", "P", "S", "Z", "Cc", "Cf")),
    max_size=10_000,
)
RTL_AND_EMOJI = st.sampled_from(["مرحبا كيف حالك؟", "שלום, מה שלומך", "😀🙏🏽 hei!", "\u202eabc\u202c", "\x00\x1b[31m", ""])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(text=st.one_of(TEXT, RTL_AND_EMOJI), language=st.sampled_from(["fi", "en"]))
def test_detection_and_scoring_never_raise(mini, text: str, language: str) -> None:
    scenario, rubric = mini
    hits = get_detector(language).detect(text, prev="Hei.", stage="guidance")
    records = [SignalRecord(signal=h.signal, span=Span(start=h.start, end=h.end, text=text[h.start : h.end])) for h in hits]
    for stage in ("empathy", "guidance", "advisory", "farewell"):
        scored = score_reply(rubric, scenario, stage, text, records)
        assert 0 <= scored.score <= 100
        for finding in scored.findings:
            assert all(0 <= s.start <= s.end <= len(text) for s in finding.spans)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(texts=st.lists(st.one_of(TEXT.map(lambda t: t[:MAX_REPLY_CHARS]), RTL_AND_EMOJI), min_size=1, max_size=4))
def test_a_session_takes_any_text(mini, texts: list[str]) -> None:
    scenario, rubric = mini
    simulation = Simulation.start(scenario, rubric)
    for text in texts:
        try:
            simulation.reply(text)
        except ReplyRejected as refused:
            assert refused.code == "empty" and not text.strip()
    report = simulation.end()
    assert 0 <= report.overall <= 100


def test_a_summary_that_opens_the_farewell_also_earns_farewell_credit(mini) -> None:
    simulation = play(mini, REPLIES[:4])
    assert simulation.state.stage == "advisory"
    turn = simulation.reply("Kerrataan vielä: menet kielikurssille, ja soitan sinulle ensi maanantaina.")
    assert (turn.stage, turn.stage_after) == ("advisory", "farewell")
    assert ("farewell.next", "farewell") in {(f.principle, f.stage) for f in turn.findings}


def test_a_welcome_that_ends_in_an_open_question_earns_both(mini) -> None:
    scenario, rubric = mini
    simulation = Simulation.start(scenario, rubric)
    turn = simulation.reply("Hei ja tervetuloa! Kerro, mikä sinut tuo tänne tänään?")
    assert (turn.stage, turn.stage_after) == ("empathy", "guidance")
    found = {(f.principle, f.stage) for f in turn.findings}
    assert {("empathy.welcome", "empathy"), ("guidance.open", "guidance")} <= found


def test_faults_are_judged_only_where_the_reply_was_written(mini) -> None:
    scenario, rubric = mini
    simulation = Simulation.start(scenario, rubric)
    turn = simulation.reply("Katson ensin koneelta tietosi. Kerro, mitä haluat?")
    assert turn.stage_after == "guidance"
    computer = [f for f in turn.findings if f.principle == "all.computer"]
    assert [f.stage for f in computer] == ["empathy"], "one fault, judged once, in the stage it was made"


def test_advice_that_skips_guidance_is_scored_where_it_was_given(mini) -> None:
    simulation = play(mini, REPLIES[:1])
    turn = simulation.reply("Valitettavasti et voi saada tukea.")
    assert (turn.stage, turn.stage_after) == ("empathy", "advisory")
    assert "advisory.bad_news_without_way" in {f.principle for f in turn.findings}
