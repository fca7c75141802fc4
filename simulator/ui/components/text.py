"""Showing the trainee's own words safely, with the words behind each finding highlighted.

User text is escaped for Markdown first (every ASCII punctuation character, so neither
Markdown, HTML, ``$`` maths nor Streamlit's ``:colour[...]`` directives can take effect),
then the highlight directives are put around the escaped spans. ``unsafe_allow_html`` is
never used with user text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from simulator.service.exports import md_escape
from simulator.service.views import FindingView

POSITIVE = "positive"
NEGATIVE = "negative"


# Streamlit's Markdown (remark-gfm) turns URLs and e-mail addresses into links *after*
# parsing, in the text itself, so backslash escapes cannot stop it. An invisible word joiner
# where the link patterns need "://", "www." or "@" keeps the text as typed on screen but
# no longer a link.
_AUTOLINK = re.compile(r"(?<=:)(?=//)|(?<=\bwww)(?=\.)|(?<=@)", re.IGNORECASE)
WORD_JOINER = "\u2060"


def escape(text: str) -> str:
    """The one helper for user and content text shown as Markdown: names, titles, hints,
    stage names, replies. Renders exactly as typed: no formatting, HTML, maths, colour
    directives, images or links (bare URLs included)."""
    return md_escape(_AUTOLINK.sub(WORD_JOINER, str(text)))


inert = escape


def polarity_marks(length: int, findings: Iterable[FindingView]) -> list[str | None]:
    """Per character: ``negative`` where any fault points, else ``positive``, else None."""
    marks: list[str | None] = [None] * length
    for finding in findings:
        for span in finding.spans:
            start, end = max(0, span.start), min(length, span.end)
            for i in range(start, end):
                if finding.polarity == NEGATIVE or marks[i] is None:
                    marks[i] = NEGATIVE if finding.polarity == NEGATIVE else POSITIVE
    return marks


def highlighted_markdown(text: str, findings: Iterable[FindingView]) -> str:
    """The reply as Markdown: escaped, with kept principles on green and faults on orange."""
    marks = polarity_marks(len(text), findings)
    out: list[str] = []
    i = 0
    while i < len(text):
        mark = marks[i]
        j = i
        while j < len(text) and marks[j] == mark:
            j += 1
        chunk = text[i:j]
        if mark is None or not chunk.strip():
            out.append(escape(chunk))
        else:
            colour = "green" if mark == POSITIVE else "orange"
            # Line breaks inside a directive would end it: highlight line by line.
            parts = chunk.split("\n")
            out.append("  \n".join(_directive(colour, part) for part in parts))
        i = j
    return "".join(out)


def _directive(colour: str, part: str) -> str:
    """Highlight ``part``, keeping its edge whitespace outside the directive.

    Markdown trims whitespace at the edges of a directive's content, which would glue the
    highlighted words to their neighbours ("Anna,työllisyys").
    """
    core = part.strip()
    if not core:
        return escape(part)
    lead = part[: len(part) - len(part.lstrip())]
    trail = part[len(part.rstrip()) :]
    return f"{escape(lead)}:{colour}-background[{escape(core)}]{escape(trail)}"


def reflow(text: str) -> str:
    """Content prose with its hard line breaks joined: paragraphs stay, mid-sentence breaks go.

    Scenario briefs are written in YAML with lines wrapped at ~90 characters; shown as is,
    every wrap became a line break on screen. A blank line still separates paragraphs and a
    line starting with "- " still starts a list item.
    """
    paragraphs = []
    for block in text.replace("\r\n", "\n").split("\n\n"):
        lines: list[str] = []
        for raw in block.split("\n"):
            line = raw.strip()
            if not line:
                continue
            if lines and not line.startswith(("- ", "* ", "• ")):
                lines[-1] = f"{lines[-1]} {line}"
            else:
                lines.append(line)
        if lines:
            paragraphs.append("\n".join(lines))
    return "\n\n".join(paragraphs)


def prose(text: str) -> str:
    """Reflowed content text as inert Markdown (paragraphs kept)."""
    return "\n\n".join(escape(paragraph) for paragraph in reflow(text).split("\n\n"))
