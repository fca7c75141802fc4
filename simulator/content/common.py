"""Shared building blocks of the content models: stages, languages, localised text."""

from __future__ import annotations

from typing import Literal, TypeGuard

from pydantic import BaseModel, ConfigDict, Field

Language = Literal["fi", "en"]
LANGUAGES: tuple[Language, ...] = ("fi", "en")

Stage = Literal["empathy", "guidance", "advisory", "farewell"]
STAGES: tuple[Stage, ...] = ("empathy", "guidance", "advisory", "farewell")
CLOSED = "closed"


def is_stage(name: str) -> TypeGuard[Stage]:
    """Whether a stored stage name is one of the four stages (``closed`` is not): lets a
    plain string index the content's per-stage tables."""
    return name in STAGES


class StrictModel(BaseModel):
    """Base for all content: unknown keys are errors, values are immutable once loaded."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Localized(StrictModel):
    """Text in Finnish first and English second; both are required for product text."""

    fi: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def get(self, language: str) -> str:
        """The text in ``language``, falling back to Finnish."""
        return self.en if language == "en" else self.fi


# Names a rubric may use beside the 27 reply signals (docs/scoring.md):
# acts the stage machine reads from a reply's signals (simulator/engine/machine.py) ...
FLOW_ACTS: tuple[str, ...] = ("act_inform", "act_inform_twice", "act_close")
# ... and context marks whose client reaction the engine supplies when a scenario has none
# (simulator/engine/pacing.py), so a scenario need not script one for each.
ENGINE_REACTED_MARKS: tuple[str, ...] = (
    "threat",
    "dismissal",
    "closed_check",
    "repetition",
    "wrong_language",
    "no_words",
    "computer_while_telling",
)
