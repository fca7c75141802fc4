"""Trainee: my cohort, anonymised. My position in each of the cohort's distributions
(never another trainee's name), the attempts members shared, and sharing one of mine."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from simulator.service import cohorts, dashboard, practice, sharing
from simulator.service.auth import Principal
from simulator.service.dashboard import CohortPositionView, Position
from simulator.service.errors import ServiceError
from simulator.ui.components import errors, fmt
from simulator.ui.components.chat import client_message, trainee_message
from simulator.ui.components.context import get_db, require_principal, t, ui_language
from simulator.ui.components.metrics import metric_name
from simulator.ui.components.text import escape

SHARED_KEY = "cohort_shared_attempt"


def _refuse(error: ServiceError) -> None:
    st.error(errors.message("cohort", error))


def render() -> None:
    principal = require_principal()
    db = get_db()
    language = ui_language()
    st.title(t("cohort.title"))
    _join(principal)
    try:
        mine = cohorts.my_cohorts(db, principal)
        if not mine:
            st.info(t("cohort.none"))
            return
        names = {c.id: c.name for c in mine}
        chosen = st.selectbox(t("cohort.choose"), list(names), format_func=names.__getitem__, key="cohort_choose")
        view = dashboard.my_cohort_view(db, principal, chosen)
    except ServiceError as error:
        _refuse(error)
        return
    st.caption(t("cohort.intro_small" if view.aggregates_only else "cohort.intro", count=view.members))
    if st.button(t("cohort.leave_button"), key="cohort_leave"):
        try:
            cohorts.leave_cohort(db, principal, chosen)
        except ServiceError as error:
            _refuse(error)
            return
        st.session_state.pop("cohort_choose", None)
        st.rerun()
    _positions(view, language)
    _share(principal)
    _shared(principal, view, language)


def _join(principal: Principal) -> None:
    """Joining with a mentor's code is the trainee's own consent; staff are added as mentors."""
    if principal.role != "trainee":
        return
    with st.expander(t("cohort.join")):
        st.caption(t("cohort.join_intro"))
        with st.form("cohort_join_form", clear_on_submit=False):
            code = st.text_input(t("cohort.join_code"), key="cohort_join_code", max_chars=64)
            submitted = st.form_submit_button(t("cohort.join_button"))
        if submitted:
            try:
                joined = cohorts.join_cohort(get_db(), principal, code)
            except ServiceError as error:
                _refuse(error)
                return
            st.session_state["cohort_choose"] = joined.id
            st.success(t("cohort.joined", name=escape(joined.name)))


def _positions(view: CohortPositionView, language: str) -> None:
    main = [p for p in view.positions if p.metric.kind in ("overall", "stage")]
    if view.aggregates_only:
        _aggregates(view, main, language)
        return
    if not any(p.metric.values for p in main):
        st.info(t("cohort.no_results"))
        return
    st.subheader(t("cohort.scores"))
    name_col, value_col, who_col = t("cohort.col_measure"), t("cohort.col_score"), t("cohort.col_who")
    me, others = t("cohort.me"), t("cohort.others")
    rows = []
    for p in main:
        values = list(p.metric.values)
        if p.mine is not None and p.mine in values:
            values.remove(p.mine)  # drawn once, as mine
            rows.append({name_col: metric_name(p.metric, language), value_col: p.mine, who_col: me})
        rows += [{name_col: metric_name(p.metric, language), value_col: v, who_col: others} for v in values]
    order = [metric_name(p.metric, language) for p in main]
    chart = alt.Chart(pd.DataFrame(rows)).mark_tick(thickness=3, size=28).encode(
        y=alt.Y(f"{name_col}:N", sort=order, title=None), x=alt.X(f"{value_col}:Q", scale=alt.Scale(domain=[0, 100])),
        color=alt.Color(f"{who_col}:N", scale=alt.Scale(domain=[me, others], range=["#d62728", "#9ecae1"])),
    )
    st.altair_chart(chart, key="cohort_positions_chart")
    st.dataframe(pd.DataFrame([_row(p, language) for p in main + [p for p in view.positions if p.metric.kind ==
                                                                      "principle" and p.metric.mean]]),
                 hide_index=True, key="cohort_positions_table")


def _aggregates(view: CohortPositionView, main: list[Position], language: str) -> None:
    """A small cohort: my results beside the cohort's means, no distribution and no rank (the
    service gave none: with few people they would say who is who)."""
    st.info(t("cohort.aggregates_only", min=view.min_comparison))
    if all(p.mine is None and p.metric.mean is None for p in main):
        return
    st.subheader(t("cohort.scores"))
    st.table(pd.DataFrame([
        {t("cohort.col_measure"): metric_name(p.metric, language), t("cohort.col_mine"): fmt.number(p.mine),
         t("cohort.col_mean"): fmt.number(p.metric.mean)}
        for p in main
    ]).set_index(t("cohort.col_measure")))


def _row(p: Position, language: str) -> dict[str, object]:
    return {
        t("cohort.col_measure"): metric_name(p.metric, language),
        t("cohort.col_mine"): "–" if p.mine is None else p.mine,
        t("cohort.col_mean"): "–" if p.metric.mean is None else p.metric.mean,
        t("cohort.col_rank"): "–" if p.rank is None else t("cohort.rank", rank=p.rank, of=p.of),
    }


def _share(principal: Principal) -> None:
    finished = practice.my_attempts(get_db(), principal, status="finished")
    with st.expander(t("cohort.share")):
        if not finished:
            st.caption(t("cohort.share_none"))
            return
        labels = {a.id: t("cohort.share_item", title=a.title, date=fmt.day(a.finished_at or a.started_at),
                          score="–" if a.overall is None else a.overall) for a in finished}
        chosen = st.selectbox(t("cohort.share_choose"), list(labels), format_func=labels.__getitem__,
                              key="cohort_share_choose")
        columns = st.columns(2)
        if columns[0].button(t("cohort.share_button"), key="cohort_share_button", type="primary"):
            _set_shared(principal, chosen, True)
        if columns[1].button(t("cohort.unshare_button"), key="cohort_unshare_button"):
            _set_shared(principal, chosen, False)


def _set_shared(principal: Principal, attempt_id: int, shared: bool) -> None:
    try:
        sharing.share_attempt(get_db(), principal, attempt_id, shared)
    except ServiceError as error:
        _refuse(error)
        return
    st.success(t("cohort.shared_ok") if shared else t("cohort.unshared_ok"))


def _shared(principal: Principal, view: CohortPositionView, language: str) -> None:
    st.subheader(t("cohort.shared_heading"))
    if not view.shared:
        st.caption(t("cohort.shared_none"))
        return
    labels = {
        row.attempt_id: t("cohort.shared_item", title=row.title, score="–" if row.overall is None else row.overall,
                          date=fmt.day(row.finished_at) if row.finished_at else "")
        + (" · " + t("cohort.me") if row.mine else "")
        for row in view.shared
    }
    chosen = st.selectbox(t("cohort.shared_choose"), list(labels), format_func=labels.__getitem__, key=SHARED_KEY)
    try:
        attempt = sharing.read_shared_attempt(get_db(), principal, chosen)
    except ServiceError as error:
        _refuse(error)
        return
    st.markdown(f"**{escape(attempt.scenario_title)}** · {escape(t('cohort.overall', score=attempt.overall))}")
    for turn in attempt.turns:
        with trainee_message():
            st.text(turn.reply)
            for finding in turn.findings:
                icon = ":green[:material/check_circle:]" if finding.polarity == "positive" else ":orange[:material/error:]"
                st.caption(f"{icon} {escape(finding.name.get(language) or finding.principle)}")
        with client_message():
            st.text(turn.client_line)
