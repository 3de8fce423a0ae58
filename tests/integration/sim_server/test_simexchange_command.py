"""`manage.py simexchange` as its own process: one line of URLs, real traffic, clean stop on signals."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from binance import Client

ROOT = Path(__file__).resolve().parents[3]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM])
def test_it_serves_until_a_signal_then_stops_cleanly(stop_signal: signal.Signals, tmp_path: Path) -> None:
    port = free_port()
    errors = (tmp_path / "stderr.txt").open("w")
    proc = subprocess.Popen([sys.executable, "manage.py", "simexchange", "--port", str(port), "--symbols", "3",
                             "--seed", "5", "--speed", "2"], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=errors, text=True, env=os.environ.copy())
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert f"http://127.0.0.1:{port}/api/v3" in line, (tmp_path / "stderr.txt").read_text()[-2000:]
        assert f"ws://127.0.0.1:{port}/ws-api/v3" in line
        client_cls = type("SimClient", (Client,), {"API_URL": f"http://127.0.0.1:{port}/api"})
        client = client_cls(os.environ["BINANCE_API_KEY"], os.environ["BINANCE_API_SECRET"])
        symbols = [s["symbol"] for s in client.get_exchange_info()["symbols"]]
        assert symbols == ["SIM001USDT", "SIM002USDT", "SIM003USDT"]
        assert float(client.get_orderbook_ticker(symbol="SIM001USDT")["askPrice"]) > 0
        assert client.get_account()["accountType"] == "SPOT"  # speed 2: timestamps checked on the wall clock
        started = time.monotonic()
        proc.send_signal(stop_signal)
        assert proc.wait(timeout=10) == 0
        assert time.monotonic() - started < 5
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        errors.close()
