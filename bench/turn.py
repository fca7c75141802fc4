"""Benchmark: one full engine turn (detect + route + score + transition + client line).

Run by hand: ``.venv/bin/python bench/turn.py``. Replays every scenario's golden
transcripts many times through the engine (no database) and prints the per-turn
latency beside the budget (p95 <= 10 ms, issue 10: routing to topics and memory joined
the turn), and the resident memory of the process with
the whole engine loaded (every scenario, the rubric, both detectors; budget 150 MiB).
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from simulator.content.library import get_library  # noqa: E402
from simulator.content.transcript import load_transcripts  # noqa: E402
from simulator.session.simulation import Simulation  # noqa: E402

BUDGET_P95_MS = 10.0
BUDGET_RSS_MIB = 150.0
ROUNDS = 20


def rss_mib() -> float:
    """Resident memory of this process (Linux /proc), in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main() -> int:
    library = get_library()
    scripts = []
    for scenario_id, scenario in sorted(library.scenarios.items()):
        transcripts = load_transcripts(scenario_id)
        for kind in ("good", "poor", "skipped_guidance"):
            scripts.append((scenario, getattr(transcripts, kind).replies))
    if not scripts:
        print("no scenarios to replay")
        return 1
    for scenario, replies in scripts:  # warm-up: load detectors and caches
        simulation = Simulation.start(scenario, library.rubric_for(scenario))
        for reply in replies:
            simulation.reply(reply)
    timings: list[float] = []
    for round_number in range(ROUNDS):
        for scenario, replies in scripts:
            simulation = Simulation.start(scenario, library.rubric_for(scenario), seed=round_number)
            for reply in replies:
                started = time.perf_counter()
                simulation.reply(reply)
                timings.append((time.perf_counter() - started) * 1000)
    p50, p95 = statistics.median(timings), percentile(timings, 0.95)
    print(f"full engine turn over {len(timings)} turns ({len(scripts)} transcripts x {ROUNDS} rounds)")
    print(f"{'figure':<22}{'measured':>12}{'budget':>12}")
    print(f"{'p50 per turn':<22}{p50:>10.2f}ms{'':>12}")
    print(f"{'p95 per turn':<22}{p95:>10.2f}ms{BUDGET_P95_MS:>10.2f}ms  {'OK' if p95 <= BUDGET_P95_MS else 'OVER'}")
    print(f"{'max per turn':<22}{max(timings):>10.2f}ms")
    rss = rss_mib()
    print(f"{'RSS, engine loaded':<22}{rss:>9.1f}MiB{BUDGET_RSS_MIB:>9.1f}MiB  {'OK' if rss <= BUDGET_RSS_MIB else 'OVER'}")
    return 0 if p95 <= BUDGET_P95_MS and rss <= BUDGET_RSS_MIB else 1


if __name__ == "__main__":
    sys.exit(main())
