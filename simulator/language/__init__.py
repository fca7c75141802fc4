"""Reply signals: normalising Finnish and English text and detecting what a reply does.

Light on purpose (no web or database imports): ``simulator detect`` starts from here.
"""

from simulator.language.context import MARKS, MeetingContext, language_marks, meeting_marks
from simulator.language.detector import SIGNALS, Detector, SignalHit, detect, get_detector

CATALOGUE: frozenset[str] = frozenset(SIGNALS) | frozenset(MARKS)
"""Every name a rubric or scenario may react to: the signals and the context marks."""

__all__ = ["CATALOGUE", "MARKS", "SIGNALS", "Detector", "MeetingContext", "SignalHit", "detect", "get_detector", "language_marks", "meeting_marks"]
