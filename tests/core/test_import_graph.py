"""The apps depend on each other one way only: no import cycle between Django apps (issue #10)."""

import ast
from pathlib import Path

import esmsnum

SRC = Path(esmsnum.__file__).resolve().parent
APPS = ["core", "audit", "accounts", "referential", "dossiers", "instruction", "usage", "funding", "api", "web"]


def _imported_apps(app: str) -> set[str]:
    found = set()
    for path in (SRC / app).rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            for name in names:
                parts = name.split(".")
                if parts[0] == "esmsnum" and len(parts) > 1 and parts[1] in APPS and parts[1] != app:
                    found.add(parts[1])
    return found


def _graph() -> dict[str, set[str]]:
    return {app: _imported_apps(app) for app in APPS if (SRC / app).is_dir()}


def test_dossiers_never_import_instruction():
    assert "instruction" not in _imported_apps("dossiers")
    assert "dossiers" in _imported_apps("instruction")


def test_no_cycle_between_apps():
    graph = _graph()
    seen: dict[str, int] = {}
    stack: list[str] = []

    def visit(app: str) -> None:
        seen[app] = 1
        stack.append(app)
        for dep in sorted(graph.get(app, ())):
            if seen.get(dep) == 1:
                raise AssertionError("cycle d'imports : " + " → ".join([*stack[stack.index(dep) :], dep]))
            if dep not in seen:
                visit(dep)
        stack.pop()
        seen[app] = 2

    for app in graph:
        if app not in seen:
            visit(app)


def test_clock_and_audit_left_dossiers():
    assert not (SRC / "dossiers" / "clock.py").exists()
    assert "AuditEntry" not in (SRC / "dossiers" / "models.py").read_text(encoding="utf-8")
