"""`bench audit`: the writer's sustained events/s into SQLite + JSONL vs the raw ceiling.

Both sides write the same rows into the same schema (a fresh migrated SQLite file each,
WAL + synchronous=NORMAL): the writer through its public `emit` path (record built and
validated, queued, batched, committed, mirrored to JSONL), the ceiling as raw
`sqlite3.executemany` in batches of 1,000 plus a raw append of the same JSONL lines.
Runs alternate so both see the same machine noise; medians are reported.
"""
from __future__ import annotations

import os
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.db import connections

from audit.record import AuditRecord
from audit.redaction import get_redactor
from audit.runtime import build_writer
from audit.serialize import BatchSerializer, SerializedBatch
from audit.store import ALERT_SQL, EVENT_SQL, STAGE_SQL
from trading.domain.clock import SystemClock

DEFAULT_EVENTS = 200_000
BATCH = 1_000
_MIX = (
    ("ORDER_UPDATE", "EXECUTE_INTENT", "BTCUSDT"),
    ("FILL", "POSITION_MANAGE", "ETHUSDT"),
    ("DECISION_PROPOSED", "STRATEGY_PROPOSE", "SOLUSDT"),
    ("RISK_VERDICT", "RISK_VERDICT", "BNBUSDT"),
    ("POSITION_UPDATE", "POSITION_MANAGE", "XRPUSDT"),
)


def _event_fields(i: int) -> dict[str, Any]:
    event_type, stage, symbol = _MIX[i % len(_MIX)]
    return {
        "event_type": event_type, "stage": stage, "symbol": symbol,
        "cycle_id": f"c-{i // 500}", "reasons": ("RISK_APPROVED",) if i % 5 == 3 else (),
        "data": {"i": i, "price": "64123.45000000", "qty": "0.00150000", "side": "BUY"},
    }


def _fresh_db(folder: Path, name: str) -> str:
    alias = f"bench_{name}"
    cfg = dict(settings.DATABASES["default"])
    if cfg["ENGINE"] != "django.db.backends.sqlite3":
        cfg = {"ENGINE": "django.db.backends.sqlite3", "OPTIONS": {
            "init_command": "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE"}}
    cfg["NAME"] = str(folder / f"{name}.sqlite3")
    cfg["TEST"] = {}
    both = {"default": dict(settings.DATABASES["default"]), alias: cfg}
    connections.settings[alias] = connections.configure_settings(both)[alias]
    call_command("migrate", database=alias, verbosity=0, interactive=False)
    return alias


def _run_writer(folder: Path, n: int, run_no: int) -> tuple[float, dict[str, Any]]:
    alias = _fresh_db(folder, f"writer{run_no}")
    writer = build_writer(f"r-bench-{run_no}", "PAPER", SystemClock(), alias=alias,
                          audit_dir=folder / f"trail{run_no}", batch_max=BATCH)
    fields = [_event_fields(i) for i in range(n)]
    writer.start()
    t0 = time.perf_counter()
    for f in fields:
        writer.emit(**f)
    t_emit = time.perf_counter() - t0
    writer.flush(timeout=600)
    elapsed = time.perf_counter() - t0
    metrics = writer.metrics()
    writer.close()
    connections[alias].close()
    return elapsed, {"emit_s": t_emit, "committed": metrics.committed_total, "shed": metrics.shed_total}


def _serialized_batches(n: int) -> list[SerializedBatch]:
    serializer = BatchSerializer(get_redactor())
    records = []
    for i in range(n):
        rec = AuditRecord(ts_ms=SystemClock().now_ms(), run_id="r-ceiling", mode="PAPER", **_event_fields(i))
        rec.seq = i + 1
        records.append(rec)
    return [serializer.serialize(records[i:i + BATCH]) for i in range(0, n, BATCH)]


def _run_ceiling(folder: Path, batches: list[SerializedBatch], run_no: int) -> tuple[float, float]:
    alias = _fresh_db(folder, f"ceiling{run_no}")
    path = connections.settings[alias]["NAME"]
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=NORMAL")
    sqls = [s.replace("%s", "?") for s in (EVENT_SQL, STAGE_SQL, ALERT_SQL)]
    t0 = time.perf_counter()
    for b in batches:
        con.execute("BEGIN IMMEDIATE")
        con.executemany(sqls[0], b.events)
        if b.stages:
            con.executemany(sqls[1], b.stages)
        if b.alerts:
            con.executemany(sqls[2], b.alerts)
        con.execute("COMMIT")
    t_sql = time.perf_counter() - t0
    con.close()
    t0 = time.perf_counter()
    with open(folder / f"ceiling{run_no}.jsonl", "ab") as fh:
        for b in batches:
            fh.write(b"".join(line for _, line in b.lines))
            fh.flush()
    return t_sql, time.perf_counter() - t0


def run(options: dict[str, Any]) -> tuple[list[str], dict[str, Any]]:
    """Return the summary lines and the figures of the audit benchmark."""
    n = options.get("events") or DEFAULT_EVENTS
    repeat = options.get("repeat") or 3
    base = Path(settings.VAR_DIR)
    base.mkdir(parents=True, exist_ok=True)
    writer_rates, ceiling_rates, sql_rates, jsonl_rates, shed, emit_rates = [], [], [], [], 0, []
    with tempfile.TemporaryDirectory(prefix="bench-audit-", dir=base) as tmp:
        folder = Path(tmp)
        batches = _serialized_batches(n)
        for run_no in range(repeat):
            elapsed, info = _run_writer(folder, n, run_no)
            if info["committed"] < n:  # the writer may add alerts of its own (pressure)
                raise RuntimeError(f"writer committed {info['committed']} of {n} events")
            writer_rates.append(n / elapsed)
            emit_rates.append(n / info["emit_s"])
            shed += info["shed"]
            t_sql, t_jsonl = _run_ceiling(folder, batches, run_no)
            ceiling_rates.append(n / (t_sql + t_jsonl))
            sql_rates.append(n / t_sql)
            jsonl_rates.append(n / t_jsonl)
        db_bytes = sum(os.path.getsize(p) for p in folder.glob("writer0.sqlite3*"))
    med = statistics.median
    figures = {
        "events": n, "repeat": repeat, "batch": BATCH,
        "events_per_s": round(med(writer_rates)),
        "ceiling_per_s": round(med(ceiling_rates)),
        "ratio": round(med(writer_rates) / med(ceiling_rates), 3),
        "ceiling_sql_per_s": round(med(sql_rates)),
        "ceiling_jsonl_per_s": round(med(jsonl_rates)),
        "producer_emit_per_s": round(med(emit_rates)),
        "shed": shed,
        "db_bytes_per_event": round(db_bytes / n),
    }
    lines = [
        f"audit writer benchmark: {n:,} events x {repeat} runs, batches of {BATCH}",
        f"  writer (emit -> queue -> SQLite + JSONL): {figures['events_per_s']:>10,} events/s",
        f"  ceiling (raw executemany + raw JSONL):    {figures['ceiling_per_s']:>10,} rows/s"
        f"  (sql {figures['ceiling_sql_per_s']:,}/s, jsonl {figures['ceiling_jsonl_per_s']:,}/s)",
        f"  ratio writer/ceiling: {figures['ratio']}   (targets: >= 50,000 events/s, ratio >= 0.5)",
        f"  per run: writer {[round(r) for r in writer_rates]}, ceiling {[round(r) for r in ceiling_rates]}",
    ]
    return lines, figures
