"""The trainee's reply is shown as typed, with the words behind findings highlighted."""

from __future__ import annotations

import pytest

from simulator.service.views import FindingView, SpanView
from simulator.ui.components.text import highlighted_markdown


def finding(polarity: str, *spans: tuple[int, int], text: str) -> FindingView:
    return FindingView(
        principle="p",
        name={"fi": "p", "en": "p"},
        polarity=polarity,
        weight=1.0,
        spans=tuple(SpanView(start, end, text[start:end]) for start, end in spans),
        message={"fi": "", "en": ""},
    )


def test_spaces_around_a_highlight_stay_outside_the_directive() -> None:
    text = "Olen Anna, työllisyys"
    start = text.index("Anna,") - 1  # the span starts at the space before the name
    shown = highlighted_markdown(text, [finding("positive", (start, start + 7), text=text)])
    assert ":green-background[Anna\\,]" in shown
    assert "Olen :green" in shown and "] työllisyys" in shown


def test_faults_win_over_kept_principles_on_shared_words() -> None:
    text = "Kerro nopeasti mitä haluat"
    shown = highlighted_markdown(
        text,
        [finding("positive", (0, len(text)), text=text), finding("negative", (6, 14), text=text)],
    )
    assert ":orange-background[nopeasti]" in shown
    assert ":green-background[Kerro]" in shown


def test_markup_typed_by_the_trainee_is_escaped() -> None:
    text = "<script>alert(1)</script> [linkki](http://x) **lihava**"
    shown = highlighted_markdown(text, [finding("positive", (0, 8), text=text)])
    assert "<script>" not in shown and "](http" not in shown and "**lihava**" not in shown


def test_feedback_line_quotes_each_of_the_trainees_words_once() -> None:
    from simulator.ui.components.feedback import finding_line

    text = "Kerrataan: soitan sinulle maanantaina."
    view = FindingView(
        principle="farewell.next_step",
        name={"fi": "Seuraava askel", "en": "Next step"},
        polarity="positive",
        weight=3.0,
        spans=(SpanView(11, 25, text[11:25]), SpanView(26, 37, text[26:37])),
        message={"fi": 'Kirjoitit "soitan sinulle" ja nimesit seuraavan askeleen.', "en": "x"},
    )
    line = finding_line(view, "fi")
    assert line.count("soitan sinulle") == 1, "already quoted by the message"
    assert "”maanantaina”" in line, "a span the message does not quote is still shown, in Finnish quotation marks"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Furaha tuli\nSuomeen kaksi\nvuotta sitten.", "Furaha tuli Suomeen kaksi vuotta sitten."),
        ("Eka kappale\njatkuu.\n\nToinen kappale.", "Eka kappale jatkuu.\n\nToinen kappale."),
        ("Tiedät:\n- lapsi on 1 v\n- asunto\n  Vantaalla", "Tiedät:\n- lapsi on 1 v\n- asunto Vantaalla"),
    ],
    ids=["one-paragraph", "two-paragraphs", "list-items"],
)
def test_briefs_are_reflowed(text: str, expected: str) -> None:
    from simulator.ui.components.text import reflow

    assert reflow(text) == expected
