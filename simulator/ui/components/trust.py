"""The client's trust meter: 0-100 with the scenario's low and high bands named."""

from __future__ import annotations

import streamlit as st

from simulator.ui.components.context import t


def band(trust: int, low_below: int, high_from: int) -> str:
    if trust < low_below:
        return "low"
    return "high" if trust >= high_from else "mid"


def render_trust(trust: int, low_below: int, high_from: int, *, previous: int | None = None) -> None:
    label = {
        "low": t("practice.trust_low"),
        "mid": t("practice.trust_mid"),
        "high": t("practice.trust_high"),
    }[band(trust, low_below, high_from)]
    delta = None if previous is None or previous == trust else trust - previous
    st.metric(t("practice.trust_title"), f"{trust} / 100", delta=delta, help=t("practice.trust_help"))
    st.progress(max(0, min(100, trust)) / 100, text=label)
