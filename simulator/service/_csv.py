"""Spreadsheet-safe CSV cells, shared by every CSV export (internal to the service layer).

A cell that a spreadsheet would read as a formula (``=HYPERLINK(...)``, ``+1``, ``@SUM``)
gets a leading apostrophe. The first visible character decides, so a byte-order mark or a
zero-width character in front does not hide the ``=``, and full-width forms (``＝``, ``＋``,
``－``, ``＠``), which some spreadsheets accept as the operator, count as the operator.
"""

from __future__ import annotations

import unicodedata
from typing import Any

FORMULA_START = frozenset("=+-@\t\r")
_INVISIBLE_LEAD = "\ufeff\u200b\u200c\u200d\u2060\u00ad "


def csv_cell(value: Any) -> Any:
    """The value, with a leading apostrophe when a spreadsheet could run it as a formula."""
    if not isinstance(value, str) or not value:
        return value
    visible = value.lstrip(_INVISIBLE_LEAD)
    if visible[:1] in ("\t", "\r") or value[:1] in ("\t", "\r"):
        return "'" + value
    first = unicodedata.normalize("NFKC", visible[:1]) if visible else ""
    if first[:1] in FORMULA_START:
        return "'" + value
    return value
