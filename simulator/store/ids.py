"""Row ids from outside (a URL, a form): only a positive 64-bit integer can name a row.

Anything else is "not found" before the database sees it: a huge number would otherwise
overflow the driver (SQLite raises OverflowError, PostgreSQL an out-of-range error) and
surface as a traceback instead of a friendly "not found".
"""

from __future__ import annotations

from typing import Any, TypeGuard

MAX_ROW_ID = 2**63 - 1


def is_row_id(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_ROW_ID
