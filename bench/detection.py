"""Signal detection budgets, measured by hand: ``.venv/bin/python bench/detection.py``.

Prints, per language, the cost of detecting one reply on one core (mean and p95 over the
dev replies): the rules alone, and rules plus the learned layer (what ``detect`` does), beside
a naive scan measured in the same run (``fuzz.partial_ratio`` of the reply against 300
phrases from the rule vocabulary) for scale; then the cold start of ``simulator detect`` on a
one-line file (weights loaded), and the resident memory of a process with both detectors
and both learned models loaded.

Budgets (issue 9): detection p95 <= 5 ms per reply warm on one core; cold start <= 1.0 s;
RSS <= 150 MiB.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rapidfuzz import fuzz  # noqa: E402

from simulator.language import get_detector  # noqa: E402
from simulator.language.evaluation import read_examples  # noqa: E402

DATA = ROOT / "tests" / "data" / "conformance"
COLD_START_BUDGET_S = 1.0
P95_BUDGET_MS = 5.0
RSS_BUDGET_MIB = 150.0
ROUNDS = 5


def _phrases(lang: str, count: int = 300) -> list[str]:
    """Phrases from the rule file: every pattern string, wildcards and syntax stripped."""
    import yaml

    data = yaml.safe_load((ROOT / "rubrics" / "signals" / f"{lang}.yaml").read_text(encoding="utf-8"))
    phrases: list[str] = []
    for rule in data["rules"]:
        for field in ("patterns", "terms", "heads", "requests", "cues"):
            for pattern in rule.get(field, []):
                words = [w.split("|")[0].rstrip("*?") for w in pattern.split() if w not in ("^", "$")]
                words = [w for w in words if not w.startswith(("...", "@", "#"))]
                if words:
                    phrases.append(" ".join(words))
    phrases = list(dict.fromkeys(phrases))
    while len(phrases) < count:
        phrases += phrases
    return phrases[:count]


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _time_per_item(func, items: list, rounds: int = ROUNDS) -> list[float]:
    """Per-item wall times in ms, the best of ``rounds`` runs per item."""
    best = [float("inf")] * len(items)
    for _ in range(rounds):
        for index, item in enumerate(items):
            start = time.perf_counter()
            func(item)
            best[index] = min(best[index], (time.perf_counter() - start) * 1000)
    return best


def bench_marginal(lang: str) -> None:
    detector = get_detector(lang)
    examples = read_examples(DATA / f"signals_{lang}_dev.jsonl")
    phrases = _phrases(lang)
    for example in examples:  # warm-up: imports, regex compilation, first lookups
        detector.detect(example.text, example.prev, example.stage)

    def detect_cold_cache(example) -> None:
        detector.lexicon.clear_cache()
        detector.detect(example.text, example.prev, example.stage)

    def detect_warm(example) -> None:
        detector.detect(example.text, example.prev, example.stage)

    def rules_only(example) -> None:
        detector.rule_hits(example.text, example.prev, example.stage)

    def naive(example) -> None:
        text = example.text.lower()
        for phrase in phrases:
            fuzz.partial_ratio(phrase, text)

    naive_ms = _time_per_item(naive, examples)
    rules_ms = _time_per_item(rules_only, examples)
    cold_ms = _time_per_item(detect_cold_cache, examples)
    warm_ms = _time_per_item(detect_warm, examples)
    print(f"[{lang}] {len(examples)} replies, one core; {len(phrases)} naive phrases")
    rows = (
        ("naive partial_ratio scan    ", naive_ms, False),
        ("rules only (warm)           ", rules_ms, False),
        ("detect (word cache cleared) ", cold_ms, True),
        ("detect (warm)               ", warm_ms, True),
    )
    for label, values, budgeted in rows:
        p95 = _percentile(values, 0.95)
        verdict = f"   (budget p95 <= {P95_BUDGET_MS} ms: {'OK' if p95 <= P95_BUDGET_MS else 'OVER'})" if budgeted else ""
        print(f"  {label} mean {statistics.mean(values):6.3f} ms   p95 {p95:6.3f} ms{verdict}")


def bench_cold_start() -> None:
    """Wall time of a fresh ``simulator detect`` process, and its CPU time (user + system).

    The CPU time does not grow when other processes share the cores; the wall time does.
    """
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "one.jsonl"
        source.write_text(json.dumps({"id": "1", "lang": "fi", "text": "Hei, kerro vähän itsestäsi."}) + "\n")
        times, cpu = [], []
        for _ in range(3):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "simulator", "detect", "--jsonl", str(source)],
                cwd=ROOT,
                check=True,
                capture_output=True,
            )
            times.append(time.perf_counter() - start)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"cold start `simulator detect --jsonl` (1 line): wall best {min(times):.3f} s, worst {max(times):.3f} s;"
          f" CPU best {min(cpu):.3f} s   (budget <= {COLD_START_BUDGET_S} s; load average {load:.1f})")


def bench_rss() -> None:
    code = (
        "from simulator.language import get_detector\n"
        "get_detector('fi').detect('Hei, kerro itsestäsi.'); get_detector('en').detect('Hi, tell me more.')\n"
        "from simulator.language.learned.model import get_model\n"
        "assert get_model('fi') is not None and get_model('en') is not None\n"
        "print([l for l in open('/proc/self/status') if l.startswith('VmRSS')][0].split()[1])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, capture_output=True, text=True)
    mib = int(out.stdout.strip()) / 1024
    print(f"RSS with both detectors and learned models loaded: {mib:.1f} MiB   (budget <= {RSS_BUDGET_MIB:.0f} MiB)")


def main() -> None:
    if hasattr(os, "sched_setaffinity"):  # one core, as the budget says
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    for lang in ("fi", "en"):
        bench_marginal(lang)
    bench_cold_start()
    bench_rss()


if __name__ == "__main__":
    main()
