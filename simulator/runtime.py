"""Preparing a long-running process (an app instance) for steady reply latency.

A reply allocates many short-lived objects (tokens, pydantic models, SQL rows). With
CPython's default collector thresholds a young collection runs every few replies and a
full one every few dozen, and a full collection walks every long-lived object: the rule
indexes, the scenarios, the rubric. Measured with ``bench/load.py`` at 200 trainees on
PostgreSQL, p95 per turn fell from 55 ms to 15 ms once the content was loaded first,
frozen out of the collector's sight and the young-generation threshold raised.
"""

from __future__ import annotations

import gc

# CPython's defaults are (700, 10, 10): a young collection every 700 net allocations, a
# full one every 100 young ones. A reply allocates thousands of short-lived objects.
THRESHOLDS = (10_000, 50, 100)


def prepare_process() -> None:
    """Load the content, both detectors and every scenario's routing indexes once, then keep
    them out of garbage collection.

    Call it once at start-up of a serving process, never per request; it is idempotent.
    """
    from simulator.content.library import get_library
    from simulator.engine.intent import key_point_index, topic_index
    from simulator.language import get_detector
    from simulator.language.learned.model import get_model

    library = get_library()
    for language in sorted({scenario.language for scenario in library.scenarios.values()} | {"fi", "en"}):
        get_detector(language)
        get_model(language)  # the learned layer's weights, read once
    for scenario in library.scenarios.values():  # else the first reply to each scenario builds them
        topic_index(scenario)
        key_point_index(scenario)
    gc.collect()
    gc.freeze()  # everything loaded so far lives as long as the process
    gc.set_threshold(*THRESHOLDS)
