"""The pure parts of aigate import neither Django nor the openai SDK: unit-testable, replayable."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

AIGATE = Path(__file__).resolve().parents[3] / "aigate"
PURE = ("payload", "schema", "modify", "policy", "reasons", "prompt", "ports", "gate")
FORBIDDEN = ("django", "openai", "httpx2", "audit")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


@pytest.mark.parametrize("module", PURE)
def test_pure_module_has_no_io_imports(module: str) -> None:
    bad = {name for name in _imports(AIGATE / f"{module}.py") if name.split(".")[0] in FORBIDDEN}
    assert bad == set()


def test_gate_reaches_the_sdk_and_django_only_through_its_protocols() -> None:
    imported = _imports(AIGATE / "gate.py")
    assert not imported & {"aigate.client", "aigate.audit", "aigate.models", "aigate.runtime"}
