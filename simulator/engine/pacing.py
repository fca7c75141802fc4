"""How much a reply may move the client's trust, given the replies before it.

A checklist cannot buy trust: the same kind of praised move in a row earns less each time,
a reply that repeats an earlier one word for word earns nothing and puts the client off,
and a reply the client cannot read (a language they do not follow, no words at all) earns
nothing either. The reaction ids are recorded on the turn, so the debrief can say why.
"""

from __future__ import annotations

from collections.abc import Sequence

from simulator.engine.state import TurnRecord

REPEAT_PENALTY = 3  # trust lost when the worker repeats an earlier reply
UNREAD_PENALTY = 5  # trust lost when the client cannot read the reply
STREAK_FACTORS = (1.0, 0.5, 0.0)  # share of a gain kept for the 1st, 2nd, 3rd+ same gain in a row
# Faults the engine reacts to when the scenario scripts no reaction that lowers trust:
# pressure or blame, and brushing the client off, cost trust and earn no gain.
DEFAULT_FAULT_COST = {"threat": 8, "dismissal": 6, "computer_while_telling": 6}


def same_gain_streak(reactions: Sequence[str], earlier: Sequence[TurnRecord]) -> int:
    """How many replies just before this one earned trust through the same kind of move.

    Counted per reaction and the smallest count taken: a reply that adds a kind of move the
    last replies did not show (a reflection after two open questions) is not a repeat.
    """
    wanted = set(reactions)
    if not wanted:
        return 0
    streaks = []
    for reaction in wanted:
        streak = 0
        for turn in reversed(earlier):  # a capped gain still counts: the streak is of moves, not of gains
            if reaction not in turn.reactions:
                break
            streak += 1
        streaks.append(streak)
    return min(streaks)


def paced_trust(
    trust_before: int,
    trust_after: int,
    reactions: Sequence[str],
    earlier: Sequence[TurnRecord],
    marks: set[str],
) -> tuple[int, list[str]]:
    """The trust after the reply and the extra reaction ids, given ``marks`` of the reply
    (``repetition``, ``wrong_language``, ``no_words``, ``threat``, ``dismissal``)."""
    extra: list[str] = []
    if "repetition" in marks:
        extra.append("repeated_reply")
        return max(0, min(trust_before, trust_after) - REPEAT_PENALTY), extra
    unread = [mark for mark in ("wrong_language", "no_words") if mark in marks]
    if unread:
        extra.extend(mark for mark in unread if mark not in reactions)
        return max(0, min(trust_before, trust_after) - UNREAD_PENALTY), extra
    gain = trust_after - trust_before
    faults = [mark for mark in DEFAULT_FAULT_COST if mark in marks]
    if faults and gain >= 0:  # the scenario did not react to the fault: the engine does
        extra.extend(f"{mark}_felt" for mark in faults)
        return max(0, trust_before - max(DEFAULT_FAULT_COST[m] for m in faults)), extra
    if gain > 0:
        streak = same_gain_streak(reactions, earlier)
        factor = STREAK_FACTORS[min(streak, len(STREAK_FACTORS) - 1)]
        if factor < 1.0:
            extra.append("same_move_again")
        return trust_before + int(gain * factor), extra
    return trust_after, extra
