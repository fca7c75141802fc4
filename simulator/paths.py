"""Where the content files live.

Content (scenarios, rubrics, signal rules) sits beside the package in a checkout; a
deployment can point ``KOHTAAMO_CONTENT`` at another directory without touching code.
"""

from __future__ import annotations

import os
from pathlib import Path

CONTENT_ENV = "KOHTAAMO_CONTENT"


def content_root() -> Path:
    """The content directory: ``$KOHTAAMO_CONTENT`` if set, else the repository root."""
    override = os.environ.get(CONTENT_ENV)
    if override:
        return Path(override)
    return Path(__file__).resolve().parent.parent


def rubrics_dir() -> Path:
    """Stage principles and, under ``signals/``, the signal rules per language."""
    return content_root() / "rubrics"


def scenarios_dir() -> Path:
    """One YAML file per scripted client."""
    return content_root() / "scenarios"
