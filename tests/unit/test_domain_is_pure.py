"""trading/domain must stay pure Python: no Django, so backtests and unit tests need no settings."""
from __future__ import annotations

import ast
from pathlib import Path

DOMAIN = Path(__file__).resolve().parents[2] / "trading" / "domain"
FORBIDDEN = "django"


def _is_forbidden(module: str | None) -> bool:
    return module is not None and (module == FORBIDDEN or module.startswith(FORBIDDEN + "."))


def _imported_modules(tree: ast.AST) -> list[tuple[int, str]]:
    """Return (line, module) for every import, import_module("...") and __import__("...") included."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
        elif isinstance(node, ast.Call) and _is_dynamic_import(node.func) and node.args:
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                found.append((node.lineno, first.value))
    return found


def _is_dynamic_import(func: ast.expr) -> bool:
    if isinstance(func, ast.Name):
        return func.id in {"__import__", "import_module"}
    return isinstance(func, ast.Attribute) and func.attr == "import_module"


def _django_imports(source: str, path: str) -> list[str]:
    tree = ast.parse(source, filename=path)
    hits = [(line, module) for line, module in _imported_modules(tree) if _is_forbidden(module)]
    return [f"{path}:{line} imports {module}" for line, module in hits]


def test_no_module_under_trading_domain_imports_django() -> None:
    files = sorted(DOMAIN.rglob("*.py"))
    assert len(files) > 5, f"found too few domain modules under {DOMAIN}: is the path right?"
    offenders = [hit for path in files
                 for hit in _django_imports(path.read_text(), str(path.relative_to(DOMAIN)))]
    assert offenders == []


def test_the_checker_catches_every_import_form() -> None:
    source = "\n".join([
        "import django",
        "import os, django.db.models as m",
        "from django.conf import settings",
        "from django import forms",
        "importlib.import_module('django.apps')",
        "__import__('django')",
        "import djangofake",  # a different package: allowed
        "from .django import x",  # a relative module that happens to be called django: allowed
    ])
    assert [hit.split(" imports ")[1] for hit in _django_imports(source, "x.py")] == [
        "django", "django.db.models", "django.conf", "django", "django.apps", "django",
    ]
