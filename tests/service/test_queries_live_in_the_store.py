"""The service layer builds no SQL: every query is a function in ``simulator.store``.

Read from the source: no service module imports SQLAlchemy's statement builders
(``select``, ``insert``, ``update``, ``delete``, ``func`` ...) or the models' columns to
filter on; a ``Session`` type and ``IntegrityError`` (a race lost inside a transaction)
are all a use case needs from SQLAlchemy.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import simulator.service

SERVICE = Path(simulator.service.__file__).resolve().parent
MODULES = sorted(SERVICE.rglob("*.py"))
ALLOWED_FROM_SQLALCHEMY = {"sqlalchemy.orm": {"Session"}, "sqlalchemy.exc": {"IntegrityError"}}


@pytest.mark.parametrize("path", MODULES, ids=[str(p.relative_to(SERVICE)) for p in MODULES])
def test_module_builds_no_sql(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import) and any(a.name.split(".")[0] == "sqlalchemy" for a in node.names):
            found.append(f"{path.name}:{node.lineno}: import sqlalchemy")
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "sqlalchemy":
            allowed = ALLOWED_FROM_SQLALCHEMY.get(node.module or "", set())
            extra = sorted(a.name for a in node.names if a.name not in allowed)
            if extra:
                found.append(f"{path.name}:{node.lineno}: from {node.module} import {', '.join(extra)}")
    assert found == []
