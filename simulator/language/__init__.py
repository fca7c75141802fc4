"""Reply signals: normalising Finnish and English text and detecting what a reply does.

Light on purpose (no web or database imports): ``simulator detect`` starts from here.
"""

from simulator.language.detector import SIGNALS, Detector, SignalHit, detect, get_detector

__all__ = ["SIGNALS", "Detector", "SignalHit", "detect", "get_detector"]
