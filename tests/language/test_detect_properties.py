"""Detection never raises and reports spans inside the text, whatever the text."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.language import SIGNALS, detect

_SAMPLES = st.sampled_from(
    [
        "",
        " ",
        "?",
        "...",
        "Hei! 👋🏽 Mitä kuuluu?",
        "مرحبا، كيف حالك؟",
        "שלום, מה שלומך?",
        "\x00\x01\x1b[31m\u200f\u202e",
        "Kerro'' \"lisää\" ' ?",
        "ootko käyny koulua?? mä en tiiä",
        "You're ... 'quoted?' text: or: this?",
        "a" * 300,
        "kiire " * 500,
    ]
)
_TEXT = st.one_of(st.text(max_size=10_000), _SAMPLES, st.lists(_SAMPLES, max_size=40).map(" ".join))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_TEXT, prev=st.one_of(st.none(), _TEXT), lang=st.sampled_from(["fi", "en"]))
def test_detect_never_raises_and_spans_fit(text: str, prev: str | None, lang: str) -> None:
    hits = detect(text, lang, prev=prev)
    assert [h.start for h in hits] == sorted(h.start for h in hits)
    for hit in hits:
        assert hit.signal in SIGNALS
        assert 0 <= hit.start <= hit.end <= len(text)
        assert hit.match == text[hit.start : hit.end]


def test_long_reply_is_handled() -> None:
    text = "Kerro lisää, mulla on kiire. " * 400  # about 11,600 characters
    hits = detect(text, "fi", prev=text)
    assert {"open_question", "hurry"} <= {h.signal for h in hits}
