"""One bounded trader run on the in-process simulator, shared by the tests that read its results.

`runtrader --duration 40s` (200 minutes of the simulator's clock) through
tests/integration/trader/sim_record_run.py, which also saves the simulator's own record of
orders, order lists and trades. The end-to-end trade tests and the panel's contract tests both
read this one run (read-only), so the suite pays for it once.
"""
from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

DURATION = "40s"


@dataclass(frozen=True)
class TradeRun:
    tmp: Path
    sim: dict[str, Any]  # the simulator's record: orders, order_lists, trades
    result: subprocess.CompletedProcess[str]

    @property
    def db(self) -> Path:
        return self.tmp / "db.sqlite3"


@pytest.fixture(scope="session")
def sim_trade_run(tmp_path_factory: pytest.TempPathFactory) -> TradeRun:
    from tests.integration.test_runtrader import ROOT, _env, _manage

    tmp = tmp_path_factory.mktemp("trade")
    assert _manage(tmp, "migrate", "-v", "0").returncode == 0
    record = tmp / "sim-record.json"
    wrapper = ROOT / "tests" / "integration" / "trader" / "sim_record_run.py"
    result = subprocess.run([sys.executable, str(wrapper), str(record), "--duration", DURATION],
                            cwd=ROOT, env=_env(tmp, MODE="PAPER"), capture_output=True, text=True, timeout=150)
    assert result.returncode == 0, result.stderr[-3000:]
    return TradeRun(tmp, json.loads(record.read_text()), result)
