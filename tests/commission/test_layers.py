"""The commission's modules keep their layers: reads never call writes (STYLE: services call
selectors, never the reverse), and every "who may" check lives in commission.permissions."""

import ast
from pathlib import Path

import commission

APP = Path(commission.__file__).parent


def _imported_commission_modules(name: str) -> set[str]:
    tree = ast.parse((APP / f"{name}.py").read_text())
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "commission":
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("commission."):
            found.add(node.module.split(".", 1)[1])
        elif isinstance(node, ast.Import):
            found |= {a.name.split(".", 1)[1] for a in node.names if a.name.startswith("commission.")}
    return found


def test_selectors_read_without_calling_services_or_permissions():
    assert not {"services", "permissions"} & _imported_commission_modules("selectors")


def test_permissions_read_facts_from_selectors_never_from_services():
    assert "services" not in _imported_commission_modules("permissions")


def test_no_who_may_check_is_defined_outside_permissions():
    checks = {"can_run_meeting", "can_schedule", "is_school_head", "seat_of", "_is_head", "can_vote"}
    for name in ("services", "selectors", "views", "api", "minutes"):
        tree = ast.parse((APP / f"{name}.py").read_text())
        defined = {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
        assert not checks & defined, name
