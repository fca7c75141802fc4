"""Names of dashboard metrics, shared by the mentor dashboard and the trainee's cohort page
so both call a stage or principle the same thing."""

from __future__ import annotations

from simulator.service.dashboard import Metric
from simulator.ui.components.context import t


def metric_name(metric: Metric, language: str) -> str:
    """The overall score's translated label, else the rubric's name in ``language`` (the key if none)."""
    if metric.kind == "overall":
        return t("mentor.dashboard.overall")
    return metric.name.get(language) or metric.key
