"""`manage.py doctor` as an operator runs it: a subprocess per setup, each check failing for its own reason.

All the subprocesses start at once (module fixture) so the file stays fast: each pays Django's
start-up (~2 s) once, in parallel. The venues are real: a simulator in this process (one
healthy, one with the clock-skew fault), a closed port, the local OpenAI-compatible server.
"""
from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings

from tests.integration.sim_server.scripted_feed import ScriptedFeed
from tests.support.openai_server import content, running_server
from tests.support.session_env import CANARY
from trading.exchange.sim.server import Credentials, ServerConfig, SimServer

MANAGE = Path(settings.BASE_DIR) / "manage.py"
GOOD_SECRET = "B" * 64
SKEW_MS = 5000


@dataclass
class Run:
    rc: int
    out: str
    err: str

    def line(self, check_id: str) -> str:
        """Return the table line of `check_id`."""
        found = [ln for ln in self.out.splitlines() if ln.startswith(check_id + " ")]
        assert len(found) == 1, f"{check_id} not in:\n{self.out}\n{self.err}"
        return found[0]

    def status(self, check_id: str) -> str:
        return self.line(check_id).split()[1]


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _sim(skew_ms: int = 0) -> SimServer:
    creds = Credentials(os.environ["BINANCE_API_KEY"], os.environ["BINANCE_API_SECRET"])
    server = SimServer(ScriptedFeed(), creds, ServerConfig(autodrive=False)).start_in_thread()
    server.faults.clock_skew_ms = skew_ms
    return server


def _scenarios(tmp: Path, healthy_port: int, skewed_port: int, openai_url: str) -> dict[str, tuple[dict[str, str], list[str]]]:
    def config(name: str, body: str) -> str:
        path = tmp / f"{name}.toml"
        path.write_text(body)
        return str(path)

    huge = 10**15
    closed = _closed_port()
    db_dir = tmp / "db-is-a-directory"
    db_dir.mkdir()
    return {
        "healthy": ({}, []),
        "healthy_json": ({}, ["--json"]),
        "healthy_external_sim": ({}, ["--sim-port", str(healthy_port)]),
        "bad_key": ({"EXCHANGE": "binance", "MODE": "TESTNET", "BINANCE_API_KEY": f"{CANARY}-not a key!",
                     "BINANCE_API_SECRET": GOOD_SECRET}, ["--only", "LS005,LS006"]),
        "good_key": ({"EXCHANGE": "binance", "MODE": "TESTNET", "BINANCE_API_KEY": "A" * 64,
                      "BINANCE_API_SECRET": GOOD_SECRET}, ["--only", "LS005,LS006"]),
        "clock_skew": ({}, ["--sim-port", str(skewed_port), "--only", "LS007,LS008"]),
        "unreachable": ({}, ["--sim-port", str(closed)]),
        "disk_low": ({"LIVESPOT_TRADING_CONFIG": config("disk", f"[alerts]\ndisk_warn_free_bytes = {huge}\n"
                                                                 f"disk_degrade_free_bytes = {huge - 1}\n")},
                     ["--only", "LS001,LS004"]),
        "disk_warn": ({"LIVESPOT_TRADING_CONFIG": config("warn", f"[alerts]\ndisk_warn_free_bytes = {huge}\n"
                                                                 "disk_degrade_free_bytes = 0\n")},
                      ["--only", "LS004"]),
        "db_not_writable": ({"DATABASE_URL": f"sqlite:///{db_dir}"}, ["--only", "LS002"]),
        "redis_down": ({"REDIS_URL": f"redis://127.0.0.1:{closed}/0"}, ["--only", "LS011"]),
        "model_broken": ({"AI_DEC": "1", "OPENAI_BASE_URL": openai_url,
                          "LIVESPOT_TRADING_CONFIG": config("ai", '[ai]\nmodel = "doctor-broken"\nmax_retries = 0\n')},
                         ["--only", "AI001"]),
    }


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Run]]:
    tmp = tmp_path_factory.mktemp("doctor")
    healthy, skewed = _sim(), _sim(SKEW_MS)
    try:
        with running_server() as openai:
            openai.program("doctor-broken", content('{"decision": "yes please"}'))
            procs = {}
            for name, (extra, args) in _scenarios(tmp, healthy.port, skewed.port, openai.base_url).items():
                var = tmp / name.removesuffix("_json")  # the JSON run shares the table run's folders
                env = {**os.environ, "MODE": "PAPER", "EXCHANGE": "sim", "AI_DEC": "0", "REDIS_URL": "",
                       "LIVESPOT_VAR_DIR": str(var), "LIVESPOT_AUDIT_DIR": str(var / "audit"), **extra}
                procs[name] = subprocess.Popen([sys.executable, str(MANAGE), "doctor", *args], env=env, text=True,
                                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            yield {name: Run(p.wait(timeout=60), *p.communicate()) for name, p in procs.items()}
    finally:
        healthy.stop_thread()
        skewed.stop_thread()


def test_no_secret_reaches_the_output(runs: dict[str, Run]) -> None:
    for name, run in runs.items():
        assert CANARY not in run.out + run.err, name


def test_a_healthy_paper_sim_setup_passes(runs: dict[str, Run]) -> None:
    run = runs["healthy"]
    assert run.rc == 0, run.out + run.err
    for check_id in ("LS001", "LS002", "LS003", "LS007", "LS009", "LS010"):
        assert run.status(check_id) == "PASS", run.out
    assert "in-process simulator" in run.line("LS007")
    # Checks that cannot apply here say SKIP with why, never PASS.
    assert run.status("LS006") == "SKIP" and "PAPER on sim" in run.line("LS006")
    assert run.status("LS008") == "SKIP" and "this machine's clock" in run.line("LS008")
    assert run.status("LS011") == "SKIP" and "not configured" in run.line("LS011")
    assert run.status("AI001") == "SKIP" and "AI_DEC=0" in run.line("AI001")
    assert "FAIL" not in run.out and run.out.rstrip().endswith("OK: no check failed")


def test_a_running_simulator_is_checked_with_its_clock(runs: dict[str, Run]) -> None:
    run = runs["healthy_external_sim"]
    assert run.rc == 0, run.out + run.err
    assert run.status("LS007") == "PASS" and "simulator 127.0.0.1:" in run.line("LS007")
    assert run.status("LS008") == "PASS" and run.status("LS009") == "PASS" and run.status("LS010") == "PASS"
    assert "2 universe symbols" in run.line("LS009")


def test_it_json_parses_and_matches_the_table(runs: dict[str, Run]) -> None:
    doc, table = json.loads(runs["healthy_json"].out), runs["healthy"]
    assert runs["healthy_json"].rc == 0 and doc["ok"] is True
    assert (doc["mode"], doc["exchange"], doc["ai_dec"]) == ("PAPER", "sim", 0)
    rows = [ln for ln in table.out.splitlines() if re.match(r"(LS|AI)\d{3} ", ln)]
    assert [r["check_id"] for r in doc["results"]] == [ln.split()[0] for ln in rows]
    mask = lambda s: re.sub(r"\d+", "N", s)  # noqa: E731 - ports and latencies differ between runs
    for result, line in zip(doc["results"], rows, strict=True):
        assert table.status(result["check_id"]) == result["status"]
        assert result["name"] in line and mask(line).endswith(mask(result["detail"]))


def test_a_malformed_binance_key_fails_without_showing_it(runs: dict[str, Run]) -> None:
    run = runs["bad_key"]
    assert run.rc == 1
    assert run.status("LS005") == "PASS"
    assert run.status("LS006") == "FAIL" and "BINANCE_API_KEY: not 64 letters and digits" in run.line("LS006")
    assert "BINANCE_API_SECRET" not in run.line("LS006")
    assert "hint: copy the key again" in run.out
    assert runs["good_key"].rc == 0 and runs["good_key"].status("LS006") == "PASS"


def test_clock_skew_fails(runs: dict[str, Run]) -> None:
    run = runs["clock_skew"]
    assert run.rc == 1
    assert run.status("LS007") == "PASS"
    match = re.search(r"local clock (\d+) ms behind the exchange \(limit 1000 ms\)", run.line("LS008"))
    assert run.status("LS008") == "FAIL" and match and abs(int(match.group(1)) - SKEW_MS) < 500, run.out
    assert "hint: enable NTP" in run.out


def test_an_unreachable_exchange_fails_and_its_dependents_skip(runs: dict[str, Run]) -> None:
    run = runs["unreachable"]
    assert run.rc == 1
    assert run.status("LS007") == "FAIL" and "could not connect" in run.line("LS007")
    for check_id in ("LS008", "LS009", "LS010"):
        assert run.status(check_id) == "SKIP" and "unreachable" in run.line(check_id)
    assert run.out.rstrip().endswith("FAILED: LS007")


def test_disk_below_the_configured_threshold_fails_and_a_warning_alone_exits_zero(runs: dict[str, Run]) -> None:
    low, warn = runs["disk_low"], runs["disk_warn"]
    assert low.rc == 1 and low.status("LS001") == "PASS" and low.status("LS004") == "FAIL"
    assert "GiB free" in low.line("LS004") and "hint: free disk space before trading" in low.out
    assert warn.rc == 0 and warn.status("LS004") == "WARN"


def test_a_database_that_cannot_be_opened_fails(runs: dict[str, Run]) -> None:
    run = runs["db_not_writable"]
    assert run.rc == 1 and run.status("LS002") == "FAIL" and "OperationalError" in run.line("LS002")
    assert "hint: check DATABASE_URL" in run.out


def test_redis_down_fails(runs: dict[str, Run]) -> None:
    run = runs["redis_down"]
    assert run.rc == 1 and run.status("LS011") == "FAIL"
    assert re.search(r"127\.0\.0\.1:\d+: \w*ConnectionError", run.line("LS011")), run.line("LS011")


def test_a_model_outside_the_schema_fails(runs: dict[str, Run]) -> None:
    run = runs["model_broken"]
    assert run.rc == 1 and run.status("AI001") == "FAIL"
    assert "model doctor-broken: answered outside the strict schema" in run.line("AI001")
    assert "hint: use a model/server that supports strict JSON-schema" in run.out
