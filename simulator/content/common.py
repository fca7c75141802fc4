"""Shared building blocks of the content models: stages, languages, localised text."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Language = Literal["fi", "en"]
LANGUAGES: tuple[Language, ...] = ("fi", "en")

Stage = Literal["empathy", "guidance", "advisory", "farewell"]
STAGES: tuple[Stage, ...] = ("empathy", "guidance", "advisory", "farewell")
CLOSED = "closed"


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
