"""How many rows an UPDATE or DELETE changed, typed.

``Session.execute`` is typed to return a plain ``Result``, which has no ``rowcount``; for a
DML statement SQLAlchemy returns a ``CursorResult``, which has. Checking that here once keeps
the repositories free of casts and ignores, and fails loudly if that ever stops being true.
"""

from __future__ import annotations

from sqlalchemy import CursorResult, Delete, Update
from sqlalchemy.orm import Session


def rows_changed(session: Session, statement: Update | Delete) -> int:
    """Run ``statement`` in ``session`` and return the number of rows it matched."""
    result = session.execute(statement)
    if not isinstance(result, CursorResult):
        raise TypeError(f"an UPDATE/DELETE returned {type(result).__name__}, not a CursorResult")
    return result.rowcount
