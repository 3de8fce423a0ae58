"""Single-instance lock and the duration flag parser."""
from __future__ import annotations

from pathlib import Path

import pytest

from trading.durations import parse_duration_ms
from trading.instance_lock import InstanceLock, InstanceLocked


def test_second_lock_on_same_db_and_mode_is_refused_other_mode_is_not(tmp_path: Path) -> None:
    with InstanceLock(tmp_path, "sqlite|db1", "PAPER"):
        with pytest.raises(InstanceLocked, match="another trader"):
            InstanceLock(tmp_path, "sqlite|db1", "PAPER").acquire()
        with InstanceLock(tmp_path, "sqlite|db1", "TESTNET"), InstanceLock(tmp_path, "sqlite|db2", "PAPER"):
            pass
    with InstanceLock(tmp_path, "sqlite|db1", "PAPER"):  # released on exit
        pass


@pytest.mark.parametrize(("text", "ms"), [("90s", 90_000), ("5m", 300_000), ("1h", 3_600_000),
                                          ("250ms", 250), ("2", 2_000), ("1.5s", 1_500)])
def test_parses_durations(text: str, ms: int) -> None:
    assert parse_duration_ms(text) == ms


@pytest.mark.parametrize("text", ["", "fast", "-5s", "0s", "5 parsecs"])
def test_rejects_non_durations(text: str) -> None:
    with pytest.raises(ValueError):
        parse_duration_ms(text)
