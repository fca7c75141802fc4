"""Debrief: how the meeting went, stage by stage, with the whole transcript and the client's
inner thoughts, compared with the trainee's own earlier attempts; downloadable."""

from __future__ import annotations

from datetime import datetime

import altair as alt
import pandas as pd
import streamlit as st

from simulator.service import debrief, exports, formatting, practice
from simulator.service.errors import ServiceError
from simulator.service.views import AttemptSummary, DebriefView
from simulator.ui.components import errors, fmt, routing
from simulator.ui.components.chat import client_message, trainee_message
from simulator.ui.components.context import get_db, require_principal, t, ui_language
from simulator.ui.components.feedback import finding_line, render_reply
from simulator.ui.components.mentor_feedback import mentor_feedback_section
from simulator.ui.components.text import escape

CHOOSER_KEY = "debrief_chooser"
# Vega expression: a long stage name ("Ohjauksellinen vaihe") on two lines instead of cut.
WRAP_LABEL = "split(datum.label, ' ')"


def render() -> None:
    principal = require_principal()
    db = get_db()
    language = ui_language()
    st.title(t("debrief.title"))
    attempt_id = routing.chosen_attempt("debrief")
    finished = practice.my_attempts(db, principal, status="finished")
    if attempt_id is None and finished:
        attempt_id = finished[0].id
        routing.go_quietly("debrief", attempt_id)
    if attempt_id is None:
        st.info(t("debrief.none"))
        if st.button(t("debrief.to_picker"), key="debrief_to_picker", type="primary"):
            routing.go("picker")
        return
    _chooser(finished, attempt_id)
    try:
        view = debrief.debrief(db, principal, attempt_id)
    except ServiceError as error:
        st.error(errors.message("debrief", error))
        routing.forget_attempt("debrief")
        return
    _summary(view, language)
    _stages_chart(view, language)
    _strengths(view, language)
    _outcomes(view, language)
    _client_needs(view)
    _comparison(view)
    _transcript(view, language)
    mentor_feedback_section(principal, attempt_id, language)
    _downloads(view, language)


def _chooser(finished: list[AttemptSummary], current: int) -> None:
    """Pick another of one's own finished attempts (only shown when there are several)."""
    ids = [a.id for a in finished]
    if len(ids) < 2 or current not in ids:
        return
    labels = {
        a.id: t("debrief.chooser_item", title=a.title, date=_date(a), score=_score(a.overall)) for a in finished
    }
    chosen = st.selectbox(t("debrief.chooser"), ids, index=ids.index(current), format_func=labels.__getitem__,
                          key=CHOOSER_KEY)
    if chosen != current:
        routing.go_quietly("debrief", chosen)
        st.rerun()


def _summary(view: DebriefView, language: str) -> None:
    attempt, report = view.attempt, view.report
    st.subheader(escape(attempt.scenario_title))
    st.caption(t("debrief.meta", date=_date_of(attempt.finished_at), turns=t("debrief.turns", count=len(attempt.turns)),
                 hints=t("debrief.hints", count=report.hints_used)))
    columns = st.columns(5)
    columns[0].metric(t("debrief.overall"), f"{report.overall} / 100")
    for column, stage in zip(columns[1:], attempt.stages, strict=True):
        column.metric(stage.name.get(language) or stage.id, _score(report.stages.get(stage.id)))


def _stages_chart(view: DebriefView, language: str) -> None:
    """Stage scores of this attempt beside the trainee's best and first attempt of the scenario."""
    rows = []
    series = [(t("debrief.series_this"), view.report.stages)]
    comparison = view.comparison
    if comparison.best is not None and comparison.best.id != view.attempt.id:
        series.append((t("debrief.series_best"), comparison.best.stages))
    if comparison.first is not None and comparison.first.id not in (view.attempt.id, getattr(comparison.best, "id", None)):
        series.append((t("debrief.series_first"), comparison.first.stages))
    for order, stage in enumerate(view.attempt.stages):
        for name, stages in series:
            score = stages.get(stage.id)
            rows.append({"stage": stage.name.get(language) or stage.id, "order": order, "attempt": name,
                         "score": score if score is not None else 0, "visited": score is not None})
    data = pd.DataFrame(rows)
    stage_title, score_title, attempt_title = t("debrief.chart_stage"), t("debrief.chart_score"), t("debrief.chart_attempt")
    chart = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("stage:N", sort=alt.SortField("order"), title=stage_title,
                    axis=alt.Axis(labelAngle=0, labelLimit=0, labelExpr=WRAP_LABEL)),
            xOffset="attempt:N",
            y=alt.Y("score:Q", scale=alt.Scale(domain=[0, 100]), title=score_title, axis=alt.Axis(format="d")),
            color=alt.Color("attempt:N", title=attempt_title),
            tooltip=[alt.Tooltip("stage:N", title=stage_title), alt.Tooltip("attempt:N", title=attempt_title),
                     alt.Tooltip("score:Q", title=score_title)],
        )
        .properties(height=260)
    )
    st.altair_chart(chart, width="stretch")
    if any(score is None for score in view.report.stages.values()):
        st.caption(t("debrief.unvisited_note"))


def _strengths(view: DebriefView, language: str) -> None:
    left, right = st.columns(2)
    with left:
        st.markdown(f"#### {escape(t('debrief.strengths'))}")
        items = view.report.strengths
        if not items:
            st.caption(t("debrief.strengths_none"))
        for item in items:
            st.markdown(f"- :green[:material/check_circle:] **{escape(item.name.get(language) or item.principle)}** "
                        f"{escape(t('debrief.times', count=item.count))}")
    with right:
        st.markdown(f"#### {escape(t('debrief.to_practise'))}")
        items = view.report.to_practise
        if not items:
            st.caption(t("debrief.to_practise_none"))
        for item in items:
            example = item.example.get(language) or ""
            line = f"- :blue[:material/target:] **{escape(item.name.get(language) or item.principle)}**"
            if example:
                line += f"  \n  {escape(t('debrief.example', example=formatting.quoted(example, language)))}"
            st.markdown(line)


def _outcomes(view: DebriefView, language: str) -> None:
    """Each statement with an icon *and* a word (no emoji font needed), and for an unmet one
    the conditions that failed in this meeting rather than the rule's either/or sentence."""
    st.markdown(f"#### {escape(t('debrief.outcomes'))}")
    st.caption(t("debrief.outcomes_intro"))
    for outcome in view.report.outcomes:
        if outcome.met:
            mark = f":green[:material/check_circle: **{escape(t('debrief.outcome_met'))}**]"
            detail = outcome.explanation.get(language) or ""
        else:
            mark = f":red[:material/cancel: **{escape(t('debrief.outcome_not_met'))}**]"
            reasons = [t(f"debrief.outcome_reason.{code}") for code in getattr(outcome, "reasons", [])]
            detail = t("debrief.outcome_why", reasons="; ".join(reasons)) if reasons else (
                outcome.explanation.get(language) or "")
        st.markdown(f"{mark} · **{escape(outcome.statement.get(language) or '')}**  \n{escape(detail)}")


def _client_needs(view: DebriefView) -> None:
    """The client's real question, each key point with the reply that covered it, and the
    topics never asked about (facts of the meeting; shown only in reports that have them)."""
    facts = view.report.client_facts
    if facts is None:
        return
    st.markdown(f"#### {escape(t('debrief.client_needs'))}")
    if facts.real_question:
        st.markdown(escape(t("debrief.real_question", text=facts.real_question)))
        if facts.real_question_turn is not None:
            st.caption(t("debrief.real_question_out", turn=facts.real_question_turn + 1))
        else:
            st.caption(t("debrief.real_question_hidden"))
    for point in facts.key_points:
        if point.turn is None:
            st.markdown("- :orange[:material/cancel:] " + escape(t("debrief.key_point_missed", label=point.label)))
        else:
            st.markdown("- :green[:material/check_circle:] " + escape(t("debrief.key_point_covered", label=point.label, turn=point.turn + 1,
                                                quote=point.quote or "")))
    if facts.topics_not_asked:
        labels = ", ".join(topic.label for topic in facts.topics_not_asked)
        st.caption(escape(t("debrief.topics_not_asked", labels=labels)))
    elif facts.topics_asked:
        st.caption(t("debrief.topics_all_asked"))


def _comparison(view: DebriefView) -> None:
    comparison = view.comparison
    if comparison.count == 0:  # someone else's shared attempt: the owner's history is not shown
        return
    st.markdown(f"#### {escape(t('debrief.comparison'))}")
    if comparison.count <= 1:
        st.caption(t("debrief.comparison_first_time"))
        return
    rows = []
    for key, label in (("first", t("debrief.first")), ("best", t("debrief.best")), ("latest", t("debrief.latest"))):
        summary: AttemptSummary | None = getattr(comparison, key)
        if summary is None:
            continue
        row = {t("debrief.col_which"): label + (f" ({t('debrief.this_one')})" if summary.id == view.attempt.id else ""),
               t("debrief.col_date"): fmt.day(summary.finished_at or summary.started_at),
               t("debrief.overall"): _score(summary.overall)}
        for stage in view.attempt.stages:  # a step not reached shows a dash, never "None"
            row[stage.name.get(ui_language()) or stage.id] = _score(summary.stages.get(stage.id))
        rows.append(row)
    # A Markdown table wraps its cells, so no column is clipped on a narrow screen.
    st.table(pd.DataFrame(rows).set_index(t("debrief.col_which")))
    st.caption(t("debrief.comparison_count", count=comparison.count))


def _transcript(view: DebriefView, language: str) -> None:
    attempt = view.attempt
    names = {s.id: s.name.get(language) or s.id for s in attempt.stages}
    with st.expander(t("debrief.transcript"), expanded=False):
        with client_message():
            st.markdown(f"**{escape(attempt.client_name)}:** {escape(attempt.opening_line)}")
        for turn in attempt.turns:
            with trainee_message():
                st.caption(t("debrief.turn_meta", n=turn.index + 1, stage=names.get(turn.stage, turn.stage),
                             score=fmt.number(turn.reply_score)))
                render_reply(turn)
                if turn.findings:
                    st.markdown("  \n".join(finding_line(f, language) for f in turn.findings))
            with client_message():
                st.markdown(f"**{escape(attempt.client_name)}:** {escape(turn.client_line)}")
                if turn.inner_thought:
                    st.caption(t("debrief.thought", thought=escape(turn.inner_thought)))
                st.caption(t("debrief.trust_change", before=turn.trust_before, after=turn.trust_after))
        if attempt.closing_line:
            with client_message():
                st.markdown(f"**{escape(attempt.client_name)}:** {escape(attempt.closing_line)}")


def _downloads(view: DebriefView, language: str) -> None:
    """The files are made only when a button is pressed (deferred data), not on every run."""
    st.markdown(f"#### {escape(t('debrief.download'))}")
    md, pdf, js = st.columns(3)
    md.download_button(t("debrief.download_md"), lambda: exports.to_markdown(view, language),
                       file_name=exports.filename(view, "md"), mime="text/markdown", key="debrief_download_md",
                       on_click="ignore")
    pdf.download_button(t("debrief.download_pdf"), lambda: exports.to_pdf(view, language),
                        file_name=exports.filename(view, "pdf"), mime="application/pdf", key="debrief_download_pdf",
                        on_click="ignore")
    js.download_button(t("debrief.download_json"), lambda: exports.to_json(view),
                       file_name=exports.filename(view, "json"), mime="application/json", key="debrief_download_json",
                       on_click="ignore")


def _score(value: int | None) -> str:
    return "–" if value is None else str(value)


def _date(summary: AttemptSummary) -> str:
    return _date_of(summary.finished_at or summary.started_at)


def _date_of(value: datetime | None) -> str:
    return fmt.moment(value)
