"""Nothing in the service layer but ``policy.py`` decides access (issue 11, item 1).

Read from the source: outside ``policy.py`` no module raises ``Forbidden`` or looks at a
caller's role (``is_admin``, ``is_mentor``); they ask the policy instead.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import simulator.service

SERVICE = Path(simulator.service.__file__).resolve().parent
ALLOWED = {"policy.py", "errors.py", "principal.py"}
MODULES = sorted(p for p in SERVICE.rglob("*.py") if p.name not in ALLOWED)


@pytest.mark.parametrize("path", MODULES, ids=[str(p.relative_to(SERVICE)) for p in MODULES])
def test_module_leaves_access_to_the_policy(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Forbidden":
            found.append(f"{path.name}:{node.lineno}: raises Forbidden")
        if isinstance(node, ast.Attribute) and node.attr in ("is_admin", "is_mentor"):
            found.append(f"{path.name}:{node.lineno}: reads {node.attr}")
    assert found == []
