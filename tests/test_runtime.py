"""Process preparation keeps the loaded content out of the garbage collector's way."""

from __future__ import annotations

import gc

from simulator.content.library import get_library
from simulator.runtime import THRESHOLDS, prepare_process


def test_prepare_process_freezes_loaded_content_and_raises_the_thresholds() -> None:
    before = gc.get_threshold()
    try:
        prepare_process()
        prepare_process()  # idempotent
        assert gc.get_threshold() == THRESHOLDS
        assert gc.get_freeze_count() > 0
        library = get_library()
        assert all(obj is not library for obj in gc.get_objects()), "frozen objects are not collected"
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
