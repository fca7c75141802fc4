"""Progress: scores over time, per-stage and per-principle trends, best and latest per scenario."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from simulator.service import progress
from simulator.service.errors import ServiceError
from simulator.service.views import ProgressView
from simulator.ui.components import errors, routing
from simulator.ui.components.context import get_db, require_principal, t, ui_language
from simulator.ui.components.text import escape

STAGES = ("empathy", "guidance", "advisory", "farewell")
PRINCIPLE_LIMIT = 8  # the most frequent principles; more lines make the chart unreadable


def render() -> None:
    principal = require_principal()
    language = ui_language()
    st.title(t("progress.title"))
    try:
        view = progress.progress(get_db(), principal)
    except ServiceError as error:
        st.error(errors.message("progress", error))
        return
    if view.active:
        st.info(t("progress.active", count=len(view.active)))
    if not view.attempts:
        st.info(t("progress.empty"))
        if st.button(t("progress.to_picker"), key="progress_to_picker", type="primary"):
            routing.go("picker")
        return
    _overview(view)
    _overall_chart(view)
    _stage_chart(view, language)
    _principle_chart(view, language)
    _per_scenario(view)


def _overview(view: ProgressView) -> None:
    scores = [a.overall for a in view.attempts if a.overall is not None]
    left, middle, right = st.columns(3)
    left.metric(t("progress.finished_count"), len(view.attempts))
    middle.metric(t("progress.best_overall"), max(scores) if scores else "–")
    delta = scores[-1] - scores[-2] if len(scores) >= 2 else None
    right.metric(t("progress.latest_overall"), scores[-1] if scores else "–", delta=delta)


def _attempt_rows(view: ProgressView) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"n": number, "finished": a.finished_at, "scenario": a.title, "overall": a.overall, "id": a.id}
            for number, a in enumerate(view.attempts, start=1)
        ]
    )


def _attempt_axis(title: str, count: int) -> alt.X:
    """Attempt numbers 1..count as whole numbers; one attempt alone would read "1.000000"."""
    return alt.X("n:Q", title=title, scale=alt.Scale(domain=[1, max(2, count)], nice=False),
                 axis=alt.Axis(tickMinStep=1, format="d"))


def _overall_chart(view: ProgressView) -> None:
    st.subheader(t("progress.overall_heading"))
    data = _attempt_rows(view)
    n, score, scenario = t("progress.axis_attempt"), t("progress.axis_score"), t("progress.axis_scenario")
    chart = (
        alt.Chart(data)
        .mark_line(point=True)
        .encode(
            x=_attempt_axis(n, len(view.attempts)),
            y=alt.Y("overall:Q", scale=alt.Scale(domain=[0, 100]), title=score),
            color=alt.Color("scenario:N", title=scenario),
            tooltip=[alt.Tooltip("n:Q", title=n), alt.Tooltip("scenario:N", title=scenario),
                     alt.Tooltip("finished:T", title=t("progress.axis_date")), alt.Tooltip("overall:Q", title=score)],
        )
        .properties(height=260)
    )
    st.altair_chart(chart, width="stretch")


def _stage_chart(view: ProgressView, language: str) -> None:
    st.subheader(t("progress.stage_heading"))
    rows = []
    for number, attempt in enumerate(view.attempts, start=1):
        for order, stage in enumerate(STAGES):
            score = attempt.stages.get(stage)
            if score is None:
                continue
            name = view.stage_names.get(stage, {}).get(language) or stage
            rows.append({"n": number, "stage": name, "order": order, "score": score})
    if not rows:
        st.caption(t("progress.no_data"))
        return
    n_title, score_title, stage_title = t("progress.axis_attempt"), t("progress.axis_score"), t("progress.axis_stage")
    stage_order = [view.stage_names.get(s, {}).get(language) or s for s in STAGES]
    chart = (
        alt.Chart(pd.DataFrame(rows))
        .mark_line(point=True)
        .encode(
            x=_attempt_axis(n_title, len(view.attempts)),
            y=alt.Y("score:Q", scale=alt.Scale(domain=[0, 100]), title=score_title),
            color=alt.Color("stage:N", title=stage_title, sort=stage_order),
            tooltip=[alt.Tooltip("n:Q", title=n_title), alt.Tooltip("stage:N", title=stage_title),
                     alt.Tooltip("score:Q", title=score_title)],
        )
        .properties(height=260)
    )
    st.altair_chart(chart, width="stretch")


def _principle_chart(view: ProgressView, language: str) -> None:
    """Per principle and attempt: times kept minus times broken (above zero is good)."""
    st.subheader(t("progress.principle_heading"))
    st.caption(t("progress.principle_intro"))
    number_of = {a.id: number for number, a in enumerate(view.attempts, start=1)}
    totals: dict[str, int] = {}
    for point in view.principle_points:
        totals[point.principle] = totals.get(point.principle, 0) + point.positive + point.negative
    keep = set(sorted(totals, key=lambda p: (-totals[p], p))[:PRINCIPLE_LIMIT])
    rows = [
        {
            "n": number_of[p.attempt_id],
            "principle": view.principle_names.get(p.principle, {}).get(language) or p.principle,
            "net": p.positive - p.negative,
            "kept": p.positive,
            "broken": p.negative,
        }
        for p in view.principle_points
        if p.principle in keep and p.attempt_id in number_of
    ]
    if not rows:
        st.caption(t("progress.no_data"))
        return
    n, principle = t("progress.axis_attempt"), t("progress.axis_principle")
    chart = (
        alt.Chart(pd.DataFrame(rows))
        .mark_line(point=True)
        .encode(
            x=_attempt_axis(n, len(view.attempts)),
            y=alt.Y("net:Q", title=t("progress.axis_net")),
            color=alt.Color("principle:N", title=principle),
            tooltip=[alt.Tooltip("n:Q", title=n), alt.Tooltip("principle:N", title=principle),
                     alt.Tooltip("kept:Q", title=t("progress.axis_kept")),
                     alt.Tooltip("broken:Q", title=t("progress.axis_broken"))],
        )
        .properties(height=300)
    )
    st.altair_chart(chart, width="stretch")


def _per_scenario(view: ProgressView) -> None:
    st.subheader(t("progress.scenario_heading"))
    for item in view.per_scenario:
        with st.container(border=True, key=f"progress_scenario_{item.scenario_id}"):
            st.markdown(f"**{escape(item.title)}**")
            left, middle, right = st.columns(3)
            left.metric(t("progress.attempts"), item.attempts)
            middle.metric(t("progress.best"), _score(item.best.overall if item.best else None))
            right.metric(t("progress.latest"), _score(item.latest.overall if item.latest else None))
            if item.latest is not None and st.button(t("progress.open_latest"),
                                                     key=f"progress_open_{item.scenario_id}"):
                routing.go("debrief", item.latest.id)


def _score(value: int | None) -> str:
    return "–" if value is None else str(value)
