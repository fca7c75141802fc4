"""Findings that depend on the meeting, not on the reply alone: bad news paired with the next
reply's way forward, advice before and after the real question, the closed check where the
learning goals ask for plain language (product rubric and scenarios)."""

from __future__ import annotations

from simulator.content.library import get_library
from simulator.rubric.acts import skipped_stages
from simulator.session.simulation import Simulation

LIBRARY = get_library()


def play(scenario_id: str, replies: list[str]) -> Simulation:
    scenario = LIBRARY.scenario(scenario_id)
    simulation = Simulation.start(scenario, LIBRARY.rubric_for(scenario), seed=0)
    for reply in replies:
        simulation.reply(reply)
    return simulation


def principles(simulation: Simulation) -> list[set[str]]:
    return [{f.principle for f in turn.findings} for turn in simulation.state.turns]


def test_bad_news_with_its_way_forward_in_the_next_reply_is_one_act() -> None:
    opening = ["Hei, olen Sanna. Meillä on puoli tuntia.", "Kerro, mikä sinut tuo tänne?"]
    paired = play("fi-huono-uutinen", [*opening, "Valitettavasti hakemuksesi hylättiin.", "Voit kuitenkin hakea oikaisua, ja autan sinua siinä."])
    assert "advisory.bad_news_without_way_out" in set().union(*principles(paired)), "the turn itself still says it"
    report = paired.report()
    negative = [p.principle for p in report.to_practise]
    assert "advisory.bad_news_without_way_out" not in negative
    left = play("fi-huono-uutinen", [*opening, "Valitettavasti hakemuksesi hylättiin.", "Kerro, miltä tämä tuntuu?"]).report()
    assert "advisory.bad_news_without_way_out" in [p.principle for p in left.to_practise]


def test_advice_before_the_real_question_is_standard_advice() -> None:
    simulation = play(
        "en-refugee-first-visit",
        ["Hi, I'm Sam, welcome.", "Now I'll explain your options.", "You should apply for the language course. The course is free."],
    )
    last = principles(simulation)[-1]
    assert simulation.state.turns[-1].stage == "advisory"
    assert "advisory.standard_advice" in last
    assert not {"advisory.information", "advisory.advice"} & last


def test_closed_check_is_a_gentle_fault_only_where_the_goals_ask() -> None:
    plain = play("fi-kiintiopakolainen", ["Hei, olen Mira.", "Nyt kerron sinulle vaihtoehdot.", "Ymmärsitkö?"])
    assert "advisory.closed_check" in principles(plain)[-1]
    assert "advisory.check_understanding" not in principles(plain)[-1]
    other = play("fi-vihainen-asiakas", ["Hei, olen Sanna.", "Nyt kerron sinulle vaihtoehdot.", "Ymmärsitkö?"])
    assert not {"advisory.closed_check", "advisory.check_understanding"} & principles(other)[-1]


def test_skipped_stages_are_those_below_the_furthest_reached() -> None:
    assert skipped_stages(["empathy", "advisory", "farewell"]) == ["guidance"]
    assert skipped_stages(["empathy", "guidance", "advisory", "guidance", "farewell"]) == []
    assert skipped_stages(["empathy"]) == []
