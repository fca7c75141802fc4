"""The content of rubrics/kohtaava.yaml: the four-step model's principles, their polarity,
the signals they name, the stage machine's edges and the quality of the feedback text.

The engine tests check how principles are applied; these check that the rubric says what
the encounter model (kohtaava asiakastyö) asks of each stage.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.content.common import STAGES, Localized
from simulator.content.rubric import (
    FarewellClosePrinciple,
    LengthPrinciple,
    LocalizedFeedback,
    PlainLanguagePrinciple,
    Rubric,
    SignalPrinciple,
    StreakPrinciple,
)
from simulator.content.yaml_loader import load_model

ROOT = Path(__file__).resolve().parents[2]
RUBRIC_PATH = ROOT / "rubrics" / "kohtaava.yaml"

# The 27 signal names of the detection contract (spec/signals.md), kept beside this test.
SPEC_SIGNALS = frozenset(
    line.strip()
    for line in (Path(__file__).with_name("signals.txt")).read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
)
try:
    from simulator.language import SIGNALS as DETECTOR_SIGNALS
except ImportError:  # the detector is not there yet: the spec list alone decides
    DETECTOR_SIGNALS = tuple(SPEC_SIGNALS)

# What the four-step model asks for, by principle id: (polarity, stages it must cover).
EXPECTED: dict[str, tuple[str, set[str]]] = {
    # empathy
    "empathy.welcome": ("positive", {"empathy"}),
    "empathy.introduce_self": ("positive", {"empathy"}),
    "empathy.session_frame": ("positive", {"empathy"}),
    "empathy.service_explanation": ("positive", {"empathy"}),
    "all.calm_pace": ("positive", {"empathy"}),
    "empathy.no_computer": ("negative", {"empathy"}),
    "empathy.too_early_advice": ("negative", {"empathy"}),
    # guidance
    "guidance.open_question": ("positive", {"guidance"}),
    "guidance.reflection": ("positive", {"guidance"}),
    "guidance.agenda_question": ("positive", {"guidance"}),
    "guidance.affirmation": ("positive", {"guidance"}),
    "guidance.transition_signpost": ("positive", {"guidance", "advisory"}),
    "guidance.no_computer": ("negative", {"guidance"}),
    "guidance.early_advice": ("negative", {"guidance"}),
    "guidance.interrogation": ("negative", {"guidance"}),
    "guidance.monologue": ("negative", {"guidance"}),
    # advisory
    "advisory.information": ("positive", {"advisory"}),
    "advisory.causal_explanation": ("positive", {"advisory"}),
    "advisory.bad_news_with_way_out": ("positive", {"advisory"}),
    "advisory.bad_news_without_way_out": ("negative", set(STAGES)),
    "advisory.way_forward": ("positive", {"advisory"}),
    "advisory.check_understanding": ("positive", {"advisory"}),
    "advisory.visual_aid": ("positive", {"advisory"}),
    "advisory.next_step": ("positive", {"advisory"}),
    "advisory.info_dump": ("negative", {"advisory"}),
    # farewell
    "farewell.summary": ("positive", {"farewell"}),
    "farewell.next_step": ("positive", {"farewell"}),
    "farewell.encouragement": ("positive", {"farewell"}),
    "farewell.thanks": ("positive", {"farewell"}),
    "farewell.homework": ("positive", {"farewell"}),
    "farewell.check_understanding": ("positive", {"farewell"}),
    "farewell.introduce_self": ("positive", {"farewell"}),
    "farewell.no_computer": ("negative", {"farewell"}),
    # every stage
    "all.hurry": ("negative", set(STAGES)),
    "all.assumption": ("negative", set(STAGES)),
    "all.jargon": ("negative", set(STAGES)),
    "all.plain_language": ("negative", set(STAGES)),
    # faults wherever they happen (issue 9, item 4)
    "all.threat": ("negative", set(STAGES)),
    "all.dismissal": ("negative", set(STAGES)),
    "all.wrong_language": ("negative", set(STAGES)),
    "all.no_words": ("negative", set(STAGES)),
    "all.repetition": ("negative", set(STAGES)),
    "advisory.standard_advice": ("negative", {"advisory"}),
    "advisory.closed_check": ("negative", {"advisory", "farewell"}),
}

CORE = {
    "empathy.welcome",
    "empathy.introduce_self",
    "empathy.session_frame",
    "guidance.open_question",
    "guidance.reflection",
    "guidance.agenda_question",
    "advisory.information",
    "advisory.check_understanding",
    "farewell.summary",
    "farewell.next_step",
    "farewell.encouragement",
    "farewell.thanks",
}

SESSION_KINDS = {
    "stage_order",
    "stages_visited",
    "stage_time",
    "talk_ratio",
    "key_points",
    "farewell_close",
    "client_first",
    "real_question",
}


@pytest.fixture(scope="module")
def rubric() -> Rubric:
    return load_model(RUBRIC_PATH, Rubric)


def _all_principles(rubric: Rubric) -> list:
    return [*rubric.principles, *rubric.session_principles]


def _signal_lists(principle) -> list[str]:
    names: list[str] = []
    for field in ("signals", "requires", "unless"):
        names.extend(getattr(principle, field, []) or [])
    return names


def _localized_texts(rubric: Rubric) -> list[tuple[str, Localized]]:
    """Every piece of localised product text, with where it lives."""
    texts: list[tuple[str, Localized]] = [("title", rubric.title), ("description", rubric.description)]
    for stage, guide in rubric.stages.items():
        texts += [(f"stages.{stage}.{field}", getattr(guide, field)) for field in ("name", "goal", "hint")]
    for principle in _all_principles(rubric):
        texts.append((f"{principle.id}.name", principle.name))
    for key, outcome in rubric.outcomes.items():
        texts += [(f"outcomes.{key}.{field}", getattr(outcome, field)) for field in ("statement", "met", "not_met")]
    return texts


def _feedbacks(rubric: Rubric) -> list[tuple[str, LocalizedFeedback]]:
    return [(principle.id, principle.feedback) for principle in _all_principles(rubric)]


def test_rubric_loads_with_its_id(rubric: Rubric) -> None:
    assert rubric.id == "kohtaava"
    assert set(rubric.stages) == set(STAGES)


@pytest.mark.parametrize("principle_id", sorted(EXPECTED))
def test_model_principle_exists_with_polarity(rubric: Rubric, principle_id: str) -> None:
    principle = rubric.principle(principle_id)
    assert principle is not None, f"{principle_id} is missing"
    polarity, stages = EXPECTED[principle_id]
    assert principle.polarity == polarity
    assert stages <= set(principle.stages), f"{principle_id} should apply in {sorted(stages)}"


def test_core_principles_are_positive_and_as_intended(rubric: Rubric) -> None:
    core = {p.id for p in rubric.principles if p.core}
    assert CORE <= core
    assert all(p.polarity == "positive" for p in rubric.principles if p.core)
    assert rubric.principle("guidance.open_question").group == "listen"
    assert rubric.principle("advisory.information").group == "inform"
    assert rubric.principle("farewell.encouragement").group == rubric.principle("farewell.thanks").group == "warm_close"


@pytest.mark.parametrize("stage", STAGES)
def test_every_stage_has_a_core_principle(rubric: Rubric, stage: str) -> None:
    assert any(p.core and p.polarity == "positive" and stage in p.stages for p in rubric.principles)


def test_signals_named_are_the_spec_signals(rubric: Rubric) -> None:
    assert len(SPEC_SIGNALS) == 27
    named: dict[str, list[str]] = {}
    for principle in _all_principles(rubric):
        for name in _signal_lists(principle):
            named.setdefault(name, []).append(principle.id)
    for index, edge in enumerate(rubric.flow):
        for name in [*edge.signals, *edge.unless]:
            named.setdefault(name, []).append(f"flow[{index}] {edge.trigger}")
    # Beside the 27 signals, principles may read the context marks (threat, closed_check...,
    # made by simulator.language with the meeting's context) and edges the machine's acts.
    from simulator.engine.machine import ACTS
    from simulator.language import MARKS

    unknown = {name: where for name, where in named.items() if name not in SPEC_SIGNALS | set(MARKS) | set(ACTS)}
    assert not unknown, f"signals outside the spec, the context marks and the acts: {unknown}"
    assert {name for name in named if name in SPEC_SIGNALS} <= set(DETECTOR_SIGNALS)
    assert not set(MARKS) & SPEC_SIGNALS and not set(ACTS) & SPEC_SIGNALS


def test_flow_edges_in_order(rubric: Rubric) -> None:
    edges = [
        (e.trigger, list(e.source), e.dest, set(e.signals), set(e.unless), e.min_turns_in_stage) for e in rubric.flow
    ]
    listening_unless = {
        "information",
        "advice",
        "bad_news",
        "causal_explanation",
        "way_forward",
        "check_understanding",
        "summary",
        "next_step",
        "homework",
        "visual_aid",
    }
    assert edges == [
        # asking for the client's own recap closes the meeting from any stage
        ("close_meeting", ["empathy", "guidance", "advisory"], "farewell", {"client_recap"}, set(), 1),
        ("start_guidance", ["empathy"], "guidance", {"agenda_question", "open_question"}, set(), 1),
        # "let me pull up your file" is no signpost into guidance
        ("start_guidance", ["empathy"], "guidance", {"transition_signpost"}, {"computer_focus"}, 1),
        # advisory on a signpost into answers or when informing is the main act (or twice in a row)
        ("give_advice", ["empathy", "guidance"], "advisory", {"advice_signpost", "act_inform", "act_inform_twice"}, set(), 1),
        ("listen_again", ["advisory"], "guidance", {"open_question", "agenda_question"}, listening_unless, 1),
        ("wrap_up", ["guidance", "advisory"], "farewell", {"summary", "homework"}, set(), 1),
        ("wrap_up", ["advisory"], "farewell", {"next_step"}, set(), 2),
        ("wrap_up", ["guidance", "advisory"], "farewell", {"act_close"}, set(), 1),
    ]


def test_computer_is_a_fault_except_in_advisory(rubric: Rubric) -> None:
    faulted = {
        stage
        for p in rubric.principles
        if isinstance(p, SignalPrinciple) and p.polarity == "negative" and "computer_focus" in p.signals
        for stage in p.stages
    }
    assert faulted == {"empathy", "guidance", "farewell"}
    # in advisory the screen may show the client something, but turning to it while the
    # client tells about themselves is a fault there too (a context mark, not the signal)
    assert "advisory" in rubric.principle("all.computer_while_telling").stages
    heaviest = max(p.weight for p in rubric.principles if p.polarity == "negative" and "computer_focus" in _signal_lists(p))
    assert rubric.principle("guidance.no_computer").weight == heaviest


def test_kinds_and_thresholds(rubric: Rubric) -> None:
    streak = rubric.principle("guidance.interrogation")
    assert isinstance(streak, StreakPrinciple)
    assert streak.signals == ["closed_question"] and set(streak.unless) == {"open_question", "reflection"}
    assert streak.count == 3
    monologue = rubric.principle("guidance.monologue")
    assert isinstance(monologue, LengthPrinciple) and not monologue.signals and 50 <= monologue.max_words <= 70
    dump = rubric.principle("advisory.info_dump")
    assert isinstance(dump, LengthPrinciple) and dump.signals == ["information"] and 80 <= dump.max_words <= 100
    plain = rubric.principle("all.plain_language")
    assert isinstance(plain, PlainLanguagePrinciple) and plain.weight <= 1.5
    assert plain.max_sentence_words["fi"] < plain.max_sentence_words["en"]
    assert plain.max_word_chars["fi"] > plain.max_word_chars["en"]
    good_news = rubric.principle("advisory.bad_news_with_way_out")
    bad_news = rubric.principle("advisory.bad_news_without_way_out")
    assert good_news.requires == ["way_forward"] and bad_news.unless == ["way_forward"]
    assert rubric.principle("guidance.transition_signpost").unless == ["computer_focus"]


def test_weights_make_faults_heavier(rubric: Rubric) -> None:
    for principle in rubric.principles:
        assert 1 <= principle.weight <= 4, principle.id
    for fault in ("all.hurry", "all.assumption", "guidance.no_computer", "advisory.bad_news_without_way_out"):
        assert rubric.principle(fault).weight == 4


def test_only_bad_news_faults_mention_bad_news(rubric: Rubric) -> None:
    """The 'answered' outcome fails on any negative finding whose id contains 'bad_news'."""
    for principle in rubric.principles:
        if principle.polarity == "negative" and "bad_news" in principle.id:
            assert "bad_news" in _signal_lists(principle)
    assert not any("bad_news" in p.id for p in rubric.session_principles)


def test_session_principles(rubric: Rubric) -> None:
    kinds = {p.kind: p for p in rubric.session_principles}
    assert set(kinds) == SESSION_KINDS
    assert kinds["stage_time"].min_turns == {"empathy": 1, "guidance": 2, "advisory": 1, "farewell": 1}
    assert kinds["talk_ratio"].stage == "guidance" and kinds["talk_ratio"].max_ratio == 1.5
    assert kinds["key_points"].min_share == 0.6
    close = kinds["farewell_close"]
    assert isinstance(close, FarewellClosePrinciple) and set(close.signals) == {"summary", "next_step"}
    assert set(kinds["client_first"].signals) >= {"information", "advice"}
    assert kinds["real_question"].weight >= 3


def test_threats_and_closed_checks_are_never_praised(rubric: Rubric) -> None:
    """A consequence used as pressure is no explanation or way forward; "Ymmärsitkö?" is no check."""
    for principle in rubric.principles:
        if not isinstance(principle, SignalPrinciple) or principle.polarity != "positive":
            continue
        if set(principle.signals) & {"information", "advice", "causal_explanation", "way_forward", "bad_news"}:
            assert "threat" in principle.unless, principle.id
        if "check_understanding" in principle.signals:
            assert "closed_check" in principle.unless, principle.id


def test_advice_is_praised_only_after_the_real_question(rubric: Rubric) -> None:
    for pid in ("advisory.information", "advisory.advice", "advisory.bad_news_with_way_out"):
        assert rubric.principle(pid).real_question == "after", pid
    assert rubric.principle("advisory.standard_advice").real_question == "before"
    assert rubric.principle("guidance.early_advice").real_question == "before"
    assert rubric.scoring.substance_share >= 0.5
    for principle in rubric.session_principles:
        for language in ("fi", "en"):
            assert "{quote}" not in principle.feedback.get(language).did, principle.id


def test_quote_only_in_did(rubric: Rubric) -> None:
    for principle_id, feedback in _feedbacks(rubric):
        for language in ("fi", "en"):
            text = feedback.get(language)
            assert "{quote}" not in text.why, f"{principle_id}.{language}.why"
            assert "{quote}" not in text.example, f"{principle_id}.{language}.example"
            assert "{" not in text.did.replace("{quote}", ""), f"{principle_id}.{language}.did"
    for where, text in _localized_texts(rubric):
        assert "{quote}" not in text.fi and "{quote}" not in text.en, where


def test_signal_feedback_quotes_the_trainee(rubric: Rubric) -> None:
    for principle in rubric.principles:
        if isinstance(principle, SignalPrinciple):
            for language in ("fi", "en"):
                assert "{quote}" in principle.feedback.get(language).did, f"{principle.id}.{language}"


def test_finnish_and_english_differ(rubric: Rubric) -> None:
    for where, text in _localized_texts(rubric):
        assert text.fi.strip() != text.en.strip(), where
    for principle_id, feedback in _feedbacks(rubric):
        for field in ("did", "why", "example"):
            assert getattr(feedback.fi, field).strip() != getattr(feedback.en, field).strip(), f"{principle_id}.{field}"


def test_feedback_is_short(rubric: Rubric) -> None:
    """Feedback is read after every reply: a why of one or two sentences, a short example."""
    for principle_id, feedback in _feedbacks(rubric):
        for language in ("fi", "en"):
            text = feedback.get(language)
            assert len(text.why) <= 260, f"{principle_id}.{language}.why"
            assert len(text.example) <= 200, f"{principle_id}.{language}.example"
