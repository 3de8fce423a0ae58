"""The report's pure half (shared with the backtest) has no Django and passes mypy --strict."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PURE = ["records.py", "figures.py", "html.py", "labels.py", "hypothetical.py"]


def test_pure_report_modules_import_no_django_and_no_orm_code() -> None:
    for name in PURE:
        tree = ast.parse((ROOT / "trading/report" / name).read_text())
        imported = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        imported |= {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        bad = {m for m in imported if m.split(".")[0] in ("django", "audit", "aigate", "dashboard")
               or m.startswith(("trading.models", "trading.services", "trading.report.collect"))}
        assert not bad, f"{name} imports {bad}"


def test_pure_report_modules_pass_mypy_strict(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(tmp_path / "mypy"),
         *[f"trading/report/{n}" for n in PURE]],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
