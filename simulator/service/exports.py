"""A debrief as a file to keep: Markdown, PDF and JSON.

The labels (headings, column names) are the debrief page's translations, read straight
from ``simulator/ui/locales/<lang>/debrief.json`` (section ``export``) so the wording lives
in one place and this module needs no Streamlit. The trainee's words go into Markdown
escaped, so a reply that looks like a link or HTML stays text in any Markdown viewer, but
only where Markdown would act (``*``, ``_``, brackets, ``<``, a ``#`` starting a line...):
the file must also read well as plain text, so commas and exclamation marks stay bare.
Dates are in the installation's time zone and the language's format
(``simulator.service.formatting``).

PDF uses DejaVu Sans (Unicode: ä, ö, å, curly quotes). It is looked up in the usual
system font folders (Debian's ``fonts-dejavu-core``) or ``$KOHTAAMO_PDF_FONT``; when no
Unicode font is found, fpdf2's core Helvetica is used and characters outside Latin-1 are
replaced, which keeps the export working with Finnish text (ä, ö are Latin-1).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from simulator.service import formatting
from simulator.service.views import DebriefView, FindingView

LOCALES_DIR = Path(__file__).resolve().parent.parent / "ui" / "locales"
FONT_ENV = "KOHTAAMO_PDF_FONT"
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
    "/Library/Fonts/DejaVuSans.ttf",
)
STAGE_ORDER = ("empathy", "guidance", "advisory", "farewell")

# Every ASCII punctuation character may be backslash-escaped in CommonMark; escaping all of
# them also covers Streamlit's extras ($ maths, :colour[...] directives).
_MD_SPECIAL = re.compile(r"([!-/:-@\[-`{-~])")


# The characters that make Markdown (CommonMark + GFM tables/strikethrough) act inline, and
# the block markers that only matter at the start of a line.
_MD_INLINE = re.compile(r"([\\`*_\[\]<>|~])")
_MD_ENTITY = re.compile(r"&(?=#?\w+;)")
_MD_LINE_START = re.compile(r"(?m)^(\s*)([#>+=-]|\d+[.)])")


def _line_start(match: re.Match[str]) -> str:
    marker = match.group(2)
    if marker[0].isdigit():
        return f"{match.group(1)}{marker[:-1]}\\{marker[-1]}"
    return f"{match.group(1)}\\{marker}"


def md_text(text: str) -> str:
    """User text for a Markdown file: inert in a viewer, yet readable as plain text."""
    escaped = _MD_INLINE.sub(r"\\\1", text)
    escaped = _MD_ENTITY.sub(r"\\&", escaped)
    escaped = _MD_LINE_START.sub(_line_start, escaped)
    return escaped.replace("\n", "  \n")


def md_escape(text: str) -> str:
    """Escape Markdown and HTML-significant characters so user text shows literally."""
    escaped = _MD_SPECIAL.sub(r"\\\1", text)
    return escaped.replace("\n", "  \n")


@lru_cache(maxsize=4)
def export_labels(language: str) -> dict[str, str]:
    """The ``export`` section of the debrief translations for ``language`` (English fallback)."""
    labels: dict[str, str] = {}
    for lang in ("en", language):
        path = LOCALES_DIR / lang / "debrief.json"
        if path.is_file():
            data = json.loads(path.read_text(encoding="utf-8"))
            section = data.get("export", {})
            if isinstance(section, dict):
                labels.update({k: str(v) for k, v in section.items()})
                reasons = data.get("outcome_reason", {})  # the page's words for an unmet outcome's reasons
                if isinstance(reasons, dict):
                    labels.update({f"reason.{k}": str(v) for k, v in reasons.items()})
                if isinstance(data.get("outcome_why"), str):
                    labels["why"] = data["outcome_why"]
            else:  # flat keys "export.x"
                labels.update({k.split(".", 1)[1]: str(v) for k, v in data.items() if k.startswith("export.")})
    return labels


def _outcome_detail(outcome: Any, language: str, labels: Mapping[str, str]) -> str:
    """An unmet outcome's failed conditions in words (as on the page), else its explanation."""
    reasons = [labels[f"reason.{code}"] for code in getattr(outcome, "reasons", []) if f"reason.{code}" in labels]
    if not outcome.met and reasons and "why" in labels:
        return _label(labels, "why", reasons="; ".join(reasons))
    return _loc(outcome.explanation, language)


def _label(labels: Mapping[str, str], key: str, **params: Any) -> str:
    text = labels.get(key, key)
    try:
        return text.format(**params) if params else text
    except (KeyError, IndexError, ValueError):
        return text


def _loc(value: Mapping[str, str], language: str) -> str:
    return value.get(language) or value.get("fi") or value.get("en") or ""


def _score(value: int | None) -> str:
    return "–" if value is None else str(value)


def _stage_name(view: DebriefView, stage: str, language: str) -> str:
    for info in view.attempt.stages:
        if info.id == stage:
            return _loc(info.name, language)
    return stage


# --- JSON ---------------------------------------------------------------------------------


def to_json(view: DebriefView) -> str:
    """The whole debrief, machine-readable (every finding with its spans)."""
    return json.dumps(view.to_json_dict(), ensure_ascii=False, indent=2)


# --- Markdown -----------------------------------------------------------------------------


def to_markdown(view: DebriefView, language: str, labels: Mapping[str, str] | None = None) -> str:
    labels = labels if labels is not None else export_labels(language)
    a, r = view.attempt, view.report
    out: list[str] = []
    out.append(f"# {md_text(_label(labels, 'title', scenario=a.scenario_title))}")
    out.append("")
    out.append(f"{_label(labels, 'finished_at')}: {formatting.moment(a.finished_at, language)}  ")
    out.append(f"{_label(labels, 'overall')}: **{r.overall}** / 100  ")
    out.append(f"{_label(labels, 'hints_used')}: {r.hints_used}")
    out.append("")
    out.append(f"## {_label(labels, 'stages')}")
    out.append("")
    out.append(f"| {_label(labels, 'stage')} | {_label(labels, 'score')} |")
    out.append("|---|---|")
    for stage in STAGE_ORDER:
        out.append(f"| {md_text(_stage_name(view, stage, language))} | {_score(r.stages.get(stage))} |")
    out.append("")
    for key, items in (("strengths", r.strengths), ("to_practise", r.to_practise)):
        out.append(f"## {_label(labels, key)}")
        out.append("")
        if not items:
            out.append(f"- {_label(labels, 'none')}")
        for item in items:
            example = _loc(item.example, language)
            line = f"- **{md_text(_loc(item.name, language))}**"
            if item.count:
                line += f" ({item.count}×)"
            if key == "to_practise" and example:
                line += f": {_label(labels, 'example')} {md_text(formatting.quoted(example, language))}"
            out.append(line)
        out.append("")
    out.append(f"## {_label(labels, 'outcomes')}")
    out.append("")
    for outcome in r.outcomes:
        mark = "✓" if outcome.met else "✗"
        out.append(f"- {mark} **{md_text(_loc(outcome.statement, language))}**: "
                   f"{md_text(_outcome_detail(outcome, language, labels))}")
    out.append("")
    out.append(f"## {_label(labels, 'comparison')}")
    out.append("")
    c = view.comparison
    for key, summary in (("first", c.first), ("best", c.best), ("latest", c.latest)):
        if summary is None:
            continue
        when = formatting.day(summary.finished_at, language)
        this = f" ({_label(labels, 'this_attempt')})" if summary.id == a.id else ""
        out.append(f"- {_label(labels, key)}: {_score(summary.overall)} / 100, {when}{this}")
    out.append("")
    out.append(f"## {_label(labels, 'transcript')}")
    out.append("")
    out.append(f"**{md_text(a.client_name)}:** {md_text(a.opening_line)}")
    out.append("")
    for turn in a.turns:
        out.append(f"### {_label(labels, 'turn', n=turn.index + 1)} · {md_text(_stage_name(view, turn.stage, language))}")
        out.append("")
        out.append(f"**{_label(labels, 'you')}:** {md_text(turn.reply)}")
        out.append("")
        for finding in turn.findings:
            out.append(f"- {_finding_line(finding, language, md=True)}")
        if turn.findings:
            out.append("")
        out.append(f"**{md_text(a.client_name)}:** {md_text(turn.client_line)}")
        if turn.inner_thought:
            out.append("")
            out.append(f"> *{_label(labels, 'thought')}: {md_text(turn.inner_thought)}*")
        out.append("")
        out.append(f"{_label(labels, 'trust')}: {turn.trust_before} → {turn.trust_after}")
        out.append("")
    if a.closing_line:
        out.append(f"**{md_text(a.client_name)}:** {md_text(a.closing_line)}")
        out.append("")
    return "\n".join(out)


def _finding_line(finding: FindingView, language: str, *, md: bool) -> str:
    sign = "+" if finding.polarity == "positive" else "−"
    name = _loc(finding.name, language)
    quotes = ", ".join(formatting.quoted(s.text, language) for s in finding.spans)
    message = _loc(finding.message, language)
    if md:
        text = f"{sign} **{md_text(name)}**"
        if quotes:
            text += f" {md_text(quotes)}"
        if message:
            text += f": {md_text(message)}"
        return text
    text = f"{sign} {name}"
    if quotes:
        text += f" {quotes}"
    if message:
        text += f": {message}"
    return text


# --- PDF ----------------------------------------------------------------------------------


def find_unicode_font() -> Path | None:
    """A DejaVu Sans TTF: ``$KOHTAAMO_PDF_FONT``, else the usual system locations."""
    override = os.environ.get(FONT_ENV)
    candidates = ([override] if override else []) + list(FONT_CANDIDATES)
    for candidate in candidates:
        path = Path(candidate)
        if path.is_file():
            return path
    return None


def a4_document(margin: int) -> tuple[Any, str, Callable[[str], str]]:
    """An A4 FPDF document, its body font family and the text cleaner that font needs.

    With a Unicode TTF (``find_unicode_font``) text goes in as it is; with the built-in
    Helvetica it is folded to Latin-1, typographic quotes and dashes first.
    """
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=margin)
    font = find_unicode_font()
    if font is None:

        def latin1(text: str) -> str:
            text = text.replace("“", '"').replace("”", '"').replace("→", "->").replace("–", "-").replace("−", "-")
            return text.encode("latin-1", "replace").decode("latin-1")

        return pdf, "Helvetica", latin1
    pdf.add_font("Body", "", str(font))
    bold = font.with_name(font.stem + "-Bold" + font.suffix)
    pdf.add_font("Body", "B", str(bold if bold.is_file() else font))
    return pdf, "Body", lambda text: text


def to_pdf(view: DebriefView, language: str, labels: Mapping[str, str] | None = None) -> bytes:
    """The debrief as PDF; Unicode when a TTF font is available (see the module docstring)."""
    from fpdf.enums import XPos, YPos

    labels = labels if labels is not None else export_labels(language)
    a, r = view.attempt, view.report
    pdf, family, clean = a4_document(margin=15)

    pdf.set_title(clean(_label(labels, "title", scenario=a.scenario_title)))
    pdf.add_page()
    width = pdf.epw

    def para(text: str, size: float = 10, style: str = "", gap: float = 1.5) -> None:
        pdf.set_font(family, style, size)
        pdf.multi_cell(width, size * 0.5, clean(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(gap)

    para(_label(labels, "title", scenario=a.scenario_title), 16, "B", 3)
    para(f"{_label(labels, 'finished_at')}: {formatting.moment(a.finished_at, language)}")
    para(f"{_label(labels, 'overall')}: {r.overall} / 100", 13, "B")
    para(f"{_label(labels, 'hints_used')}: {r.hints_used}")
    para(_label(labels, "stages"), 13, "B")
    for stage in STAGE_ORDER:
        para(f"{_stage_name(view, stage, language)}: {_score(r.stages.get(stage))}", gap=0.5)
    pdf.ln(2)
    for key, items in (("strengths", r.strengths), ("to_practise", r.to_practise)):
        para(_label(labels, key), 13, "B")
        if not items:
            para(f"• {_label(labels, 'none')}")
        for item in items:
            line = f"• {_loc(item.name, language)}"
            example = _loc(item.example, language)
            if key == "to_practise" and example:
                line += f": {_label(labels, 'example')} {formatting.quoted(example, language)}"
            para(line, gap=0.5)
        pdf.ln(2)
    para(_label(labels, "outcomes"), 13, "B")
    for outcome in r.outcomes:
        mark = "✓" if outcome.met else "✗"
        if family == "Helvetica":  # the built-in font has no check marks
            mark = "+" if outcome.met else "-"
        para(f"{mark} {_loc(outcome.statement, language)}: {_outcome_detail(outcome, language, labels)}", gap=0.5)
    pdf.ln(2)
    para(_label(labels, "transcript"), 13, "B")
    para(f"{a.client_name}: {a.opening_line}")
    for turn in a.turns:
        para(f"{_label(labels, 'turn', n=turn.index + 1)} · {_stage_name(view, turn.stage, language)}", 11, "B", 0.5)
        para(f"{_label(labels, 'you')}: {turn.reply}", gap=0.5)
        for finding in turn.findings:
            para(f"   {_finding_line(finding, language, md=False)}", 9, gap=0.3)
        para(f"{a.client_name}: {turn.client_line}", gap=0.5)
        if turn.inner_thought:
            para(f"({_label(labels, 'thought')}: {turn.inner_thought})", 9, gap=0.5)
        para(f"{_label(labels, 'trust')}: {turn.trust_before} → {turn.trust_after}", 9, gap=2)
    if a.closing_line:
        para(f"{a.client_name}: {a.closing_line}")
    return bytes(pdf.output())


def filename(view: DebriefView, extension: str) -> str:
    """A safe download name, e.g. ``debrief-fi-kiintiopakolainen-12.md``."""
    safe = re.sub(r"[^a-z0-9_-]+", "-", view.attempt.scenario_id.lower()).strip("-") or "scenario"
    return f"debrief-{safe}-{view.attempt.id}.{extension}"
