"""Mentor: a cohort's dashboard. Per-stage and per-principle averages and distributions,
a trainee x principle heatmap, completion per assignment, progress over time (Altair),
and the cohort's results as CSV (with names, or pseudonymised)."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from simulator.service import dashboard, policy
from simulator.service.dashboard import CohortDashboard
from simulator.service.errors import ServiceError
from simulator.service.principal import Principal
from simulator.ui.components import fmt
from simulator.ui.components.context import get_db, require_principal, t, ui_language
from simulator.ui.components.metrics import metric_name
from simulator.ui.components.cohort_chooser import choose_cohort, refuse


# Colours that mean what they say: good green, bad orange-red, done green, late red, ongoing
# blue, not started grey. The heatmap diverges from red (a fault shown often) through white
# (nothing) to green (a principle kept often).
GOOD, BAD = "#2e7d32", "#d84315"
STATUS_COLOURS = {"done": "#2e7d32", "in_progress": "#1f77b4", "not_started": "#9e9e9e", "overdue": "#c62828"}
# labelLimit=0 on every axis: full names, never "Ohjauksellinen v..."
WRAP_LABEL = "split(datum.label, ' ')"  # a stage name on two lines under its column


def render() -> None:
    principal = require_principal()
    db = get_db()
    language = ui_language()
    st.title(t("mentor.dashboard.title"))
    try:
        policy.require_staff(principal)
        cohort = choose_cohort(principal, "mentor_dashboard_cohort")
        if cohort is None:
            return
        view = dashboard.cohort_dashboard(db, principal, cohort.id)
    except ServiceError as error:
        refuse(error)
        return
    columns = st.columns(3)
    columns[0].metric(t("mentor.dashboard.members"), view.members)
    columns[1].metric(t("mentor.dashboard.finished"), view.finished_attempts)
    columns[2].metric(t("mentor.dashboard.overall"), "–" if view.overall.mean is None else fmt.number(view.overall.mean))
    if not view.finished_attempts:
        st.info(t("mentor.dashboard.empty"))
    else:
        _stages(view, language)
        _principles(view, language)
        _heatmap(view, language)
        _progress(view)
    _completion(view)
    _trainees(view)
    _downloads(principal, view)


def _stages(view: CohortDashboard, language: str) -> None:
    st.subheader(t("mentor.dashboard.stages"))
    name_col, value_col = t("mentor.dashboard.col_stage"), t("mentor.dashboard.col_score")
    points = pd.DataFrame(
        [{name_col: metric_name(m, language), value_col: v} for m in (view.overall, *view.stages) for v in m.values]
    )
    order = [metric_name(m, language) for m in (view.overall, *view.stages)]
    box = alt.Chart(points).mark_boxplot(extent="min-max").encode(
        x=alt.X(f"{name_col}:N", sort=order, title=None,
                axis=alt.Axis(labelAngle=0, labelExpr=WRAP_LABEL, labelLimit=0)),
        y=alt.Y(f"{value_col}:Q", scale=alt.Scale(domain=[0, 100]), axis=alt.Axis(format="d")),
    )
    means = pd.DataFrame([{name_col: metric_name(m, language), value_col: m.mean} for m in (view.overall, *view.stages)
                          if m.mean is not None])
    dots = alt.Chart(means).mark_point(color="black", shape="diamond", size=80).encode(
        x=alt.X(f"{name_col}:N", sort=order), y=f"{value_col}:Q", tooltip=[name_col, value_col]
    )
    st.altair_chart(box + dots, key="mentor_dashboard_stages")


def _principles(view: CohortDashboard, language: str) -> None:
    st.subheader(t("mentor.dashboard.principles"))
    st.caption(t("mentor.dashboard.principles_help"))
    name_col, value_col, kind_col = t("mentor.dashboard.col_principle"), t("mentor.dashboard.col_rate"), t("mentor.dashboard.col_kind")
    rows = [
        {name_col: metric_name(m, language), value_col: m.mean,
         kind_col: t(f"mentor.dashboard.polarity_{m.polarity}")}
        for m in view.principles if m.mean
    ]
    if not rows:
        return
    good, bad = t("mentor.dashboard.polarity_positive"), t("mentor.dashboard.polarity_negative")
    chart = alt.Chart(pd.DataFrame(rows)).mark_bar().encode(
        y=alt.Y(f"{name_col}:N", sort="-x", title=None, axis=alt.Axis(labelLimit=0)),
        x=alt.X(f"{value_col}:Q", axis=alt.Axis(format=".1~f")),
        color=alt.Color(f"{kind_col}:N", scale=alt.Scale(domain=[good, bad], range=[GOOD, BAD])),
        tooltip=[name_col, kind_col, alt.Tooltip(f"{value_col}:Q", format=".2f")],
    )
    st.altair_chart(chart, key="mentor_dashboard_principles")


def _heatmap(view: CohortDashboard, language: str) -> None:
    """Trainee x principle, principles down the side (their full names fit there); a kept
    principle shows green, a fault shown often red, so good and bad never share a hue."""
    st.subheader(t("mentor.dashboard.heatmap"))
    st.caption(t("mentor.dashboard.heatmap_help"))
    metrics = {m.key: m for m in view.principles if m.mean}
    trainee_col, name_col, value_col = (t("mentor.dashboard.col_trainee"), t("mentor.dashboard.col_principle"),
                                        t("mentor.dashboard.col_rate"))
    kind_col, signed_col = t("mentor.dashboard.col_kind"), "signed"
    cells = pd.DataFrame(
        [{trainee_col: c.trainee_name, name_col: metric_name(metrics[c.principle], language), value_col: c.value,
          kind_col: t(f"mentor.dashboard.polarity_{metrics[c.principle].polarity}"),
          signed_col: c.value if metrics[c.principle].polarity == "positive" else -c.value}
         for c in view.heatmap if c.principle in metrics]
    )
    if cells.empty:
        return
    top = max(1.0, float(cells[value_col].max()))
    chart = alt.Chart(cells).mark_rect().encode(
        y=alt.Y(f"{name_col}:N", title=None, axis=alt.Axis(labelLimit=0)),
        x=alt.X(f"{trainee_col}:N", title=None, axis=alt.Axis(labelAngle=-30, labelLimit=0)),
        color=alt.Color(f"{signed_col}:Q", title=None, legend=None,
                        scale=alt.Scale(domain=[-top, 0, top], range=[BAD, "#f7f7f7", GOOD])),
        tooltip=[trainee_col, name_col, kind_col, alt.Tooltip(f"{value_col}:Q", format=".2f")],
    )
    st.altair_chart(chart, key="mentor_dashboard_heatmap")


def _progress(view: CohortDashboard) -> None:
    if not view.progress:
        return
    st.subheader(t("mentor.dashboard.progress"))
    day_col, value_col, count_col = t("mentor.dashboard.col_day"), t("mentor.dashboard.col_score"), t("mentor.dashboard.col_attempts")
    data = pd.DataFrame([{day_col: p.day.isoformat(), value_col: p.mean_overall, count_col: p.attempts}
                         for p in view.progress])
    chart = alt.Chart(data).mark_line(point=True).encode(
        x=alt.X(f"{day_col}:T", axis=alt.Axis(format="%-d.%-m." if ui_language() == "fi" else "%b %-d", tickCount="day")),
        y=alt.Y(f"{value_col}:Q", scale=alt.Scale(domain=[0, 100]), axis=alt.Axis(format="d")),
        tooltip=[day_col, value_col, count_col],
    )
    st.altair_chart(chart, key="mentor_dashboard_progress")


def _completion(view: CohortDashboard) -> None:
    st.subheader(t("mentor.dashboard.completion"))
    if not view.assignments:
        st.caption(t("mentor.assign.none"))
        return
    scenario_col, status_col, count_col = t("mentor.assign.col_scenario"), t("mentor.dashboard.col_status"), t("mentor.dashboard.col_trainees")
    statuses = ("done", "in_progress", "not_started", "overdue")
    rows = [
        {scenario_col: f"{a.title} #{a.id}", status_col: t(f"cohort.status.{status}"), count_col: getattr(a, status)}
        for a in view.assignments
        for status in statuses
    ]
    most = max([a.targets for a in view.assignments] + [1])
    chart = alt.Chart(pd.DataFrame(rows)).mark_bar().encode(
        y=alt.Y(f"{scenario_col}:N", title=None, axis=alt.Axis(labelLimit=0)),
        # whole trainees only: ticks 0, 1, 2, ... never "0.2 ... 3.0"
        x=alt.X(f"{count_col}:Q", stack="zero", scale=alt.Scale(domain=[0, most], nice=False),
                axis=alt.Axis(format="d", tickMinStep=1, values=list(range(0, most + 1)))),
        color=alt.Color(f"{status_col}:N", scale=alt.Scale(domain=[t(f"cohort.status.{s}") for s in statuses],
                                                           range=[STATUS_COLOURS[s] for s in statuses])),
        tooltip=[scenario_col, status_col, count_col],
    )
    st.altair_chart(chart, key="mentor_dashboard_completion")


def _trainees(view: CohortDashboard) -> None:
    st.subheader(t("mentor.dashboard.trainees"))
    st.dataframe(
        pd.DataFrame([
            {
                t("mentor.dashboard.col_trainee"): row.trainee_name,
                t("mentor.dashboard.col_attempts"): row.attempts,
                # a trainee with no finished meeting has no mean: an empty cell, not "None"
                t("mentor.dashboard.col_score"): "" if row.mean_overall is None else f"{row.mean_overall:.0f}",
                t("mentor.dashboard.col_latest"): fmt.day(row.latest_finished) if row.latest_finished else "",
            }
            for row in view.trainees
        ]),
        hide_index=True,
        key="mentor_dashboard_trainees",
    )


def _downloads(principal: Principal, view: CohortDashboard) -> None:
    st.subheader(t("mentor.dashboard.export"))
    columns = st.columns(2)
    db = get_db()
    columns[0].download_button(
        t("mentor.dashboard.csv"), dashboard.cohort_csv(db, principal, view.cohort_id),
        file_name=f"cohort-{view.cohort_id}.csv", mime="text/csv", key="mentor_dashboard_csv",
    )
    columns[1].download_button(
        t("mentor.dashboard.csv_pseudonymised"),
        dashboard.cohort_csv(db, principal, view.cohort_id, pseudonymise=True),
        file_name=f"cohort-{view.cohort_id}-pseudonymised.csv", mime="text/csv", key="mentor_dashboard_csv_pseudo",
        help=t("mentor.dashboard.csv_pseudonymised_help"),
    )
