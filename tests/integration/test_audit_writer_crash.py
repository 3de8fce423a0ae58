"""A writer process killed with SIGKILL mid-run: no partial batch, no lost committed event,
and after restart the JSONL trail again mirrors the database line for line."""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from collections import Counter
from pathlib import Path

import orjson
import pytest

ROOT = Path(__file__).resolve().parents[2]


def _child(run_id: str, tmp: Path, *extra: str) -> subprocess.Popen[str]:
    env = dict(os.environ)
    env["DATABASE_URL"] = f"sqlite:///{tmp / 'child.sqlite3'}"
    env["LIVESPOT_AUDIT_DIR"] = str(tmp / "audit")
    return subprocess.Popen([sys.executable, "-m", "tests.support.writer_child", run_id, *extra],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)


def _reported_commits(proc: subprocess.Popen[str], wanted: int) -> list[int]:
    seen: list[int] = []
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith("COMMITTED "):
            seen.append(int(line.split()[1]))
            if len(seen) >= wanted:
                break
    return seen


def _trail_seqs(audit_dir: Path, run_id: str) -> Counter[int]:
    seqs: Counter[int] = Counter()
    for path in audit_dir.glob("audit-*.jsonl"):
        for line in path.read_bytes().splitlines():
            record = orjson.loads(line)  # every remaining line must be complete JSON
            if record["run_id"] == run_id:
                seqs[record["seq"]] += 1
    return seqs


@pytest.mark.slow
@pytest.mark.parametrize("kill_after_commits", [5, 40])
def test_sigkill_mid_run_loses_no_reported_commit_and_leaves_no_partial_batch(
    tmp_path: Path, kill_after_commits: int
) -> None:
    run_id = f"r-crash-{kill_after_commits}"
    proc = _child(run_id, tmp_path)
    reported = _reported_commits(proc, kill_after_commits)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(10)
    assert len(reported) == kill_after_commits and reported == sorted(reported)

    con = sqlite3.connect(tmp_path / "child.sqlite3")
    seqs = [r[0] for r in con.execute("SELECT seq FROM audit_event WHERE run_id = ? ORDER BY seq", (run_id,))]
    committed_mark = con.execute("SELECT committed_seq FROM audit_writer_checkpoint WHERE run_id = ?",
                                 (run_id,)).fetchone()[0]
    con.close()
    # Batches are atomic: rows are exactly the prefix 1..N and N is the watermark
    # committed in the same transaction as the last batch.
    assert seqs == list(range(1, len(seqs) + 1))
    assert seqs[-1] == committed_mark
    assert committed_mark >= reported[-1], "an event reported committed is missing"

    repair = _child("r-after-crash", tmp_path, "--repair-only")
    out, _ = repair.communicate(timeout=60)
    assert repair.returncode == 0 and "REPAIRED" in out
    trail = _trail_seqs(tmp_path / "audit", run_id)
    assert set(trail) == set(seqs), "JSONL must mirror the DB rows after repair"
    assert max(trail.values()) == 1, "repair must not duplicate lines that did reach the file"
