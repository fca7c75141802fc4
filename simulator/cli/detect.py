"""``simulator detect --jsonl IN.jsonl``: reply signals as JSON lines (see spec/signals.md).

One output line per input line, in input order. A line that cannot be read or has no
usable ``text``/``lang`` gets ``{"id": ..., "error": ...}`` and the run goes on; the
exit code is non-zero only when the input itself cannot be opened. A span the learned layer
found without a rule quotes a sentence and adds ``focus``: the ``[start, end]`` of the words
that weighed most.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, TextIO


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--jsonl", required=True, metavar="IN.jsonl", help="input file, or - for standard input")


def _detect_line(line: str, number: int) -> dict[str, Any]:
    from simulator.language import detect

    try:
        row = json.loads(line)
    except ValueError as exc:
        return {"id": None, "error": f"line {number}: invalid JSON: {exc}"}
    if not isinstance(row, dict):
        return {"id": None, "error": f"line {number}: expected a JSON object"}
    ident = row.get("id")
    lang, text = row.get("lang"), row.get("text")
    prev, stage = row.get("prev"), row.get("stage")
    if lang not in ("fi", "en"):
        return {"id": ident, "error": f"line {number}: 'lang' must be \"fi\" or \"en\", got {lang!r}"}
    if not isinstance(text, str):
        return {"id": ident, "error": f"line {number}: 'text' must be a string"}
    if prev is not None and not isinstance(prev, str):
        return {"id": ident, "error": f"line {number}: 'prev' must be a string"}
    try:
        hits = detect(text, lang, prev=prev, stage=stage if isinstance(stage, str) else None)
    except Exception as exc:  # noqa: BLE001 - report it on this line, keep going
        return {"id": ident, "error": f"line {number}: {type(exc).__name__}: {exc}"}
    return {
        "id": ident,
        "signals": sorted({hit.signal for hit in hits}),
        "spans": [_span(h) for h in hits],
    }


def _span(hit: Any) -> dict[str, Any]:
    """A hit as JSON; a hit only the learned layer made also lists its ``focus`` words' spans."""
    span = {"signal": hit.signal, "start": hit.start, "end": hit.end, "match": hit.match}
    if hit.focus:
        span["focus"] = [list(pair) for pair in hit.focus]
    return span


def process(source: TextIO, out: TextIO) -> None:
    """Detect every non-blank line of ``source`` and write one JSON line each to ``out``."""
    for number, line in enumerate(source, start=1):
        if not line.strip():
            continue
        try:
            result = _detect_line(line, number)
        except Exception as exc:  # noqa: BLE001 - one bad line must not stop the run
            result = {"id": None, "error": f"line {number}: {type(exc).__name__}: {exc}"}
        out.write(json.dumps(result, ensure_ascii=False) + "\n")


def run(args: argparse.Namespace) -> int:
    if args.jsonl == "-":
        process(sys.stdin, sys.stdout)
        return 0
    try:
        handle = open(args.jsonl, encoding="utf-8", errors="replace")
    except OSError as exc:
        print(f"simulator detect: cannot open {args.jsonl}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    with handle:
        process(handle, sys.stdout)
    return 0
