"""GET /api/dashboard against 000 "DashboardSnapshot": fields, types, enums, encodings, limits,
ordering, finite numbers, data sources; on a database filled by the project factories."""
from __future__ import annotations

import dataclasses
import json
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dashboard.panel_config import panel_config
from dashboard.schema import DashboardSnapshot
from dashboard.snapshot import build_snapshot
from tests.integration.dashboard import cast
from tests.integration.dashboard.contract import assert_fields, numbers, reject_constant
from tests.support import factories as f
from trading.domain.catalog import AIGateVerdict, ReasonCode
from trading.models import Position

pytestmark = pytest.mark.django_db

def fetch(client: Any) -> dict[str, Any]:
    """GET /api/dashboard, validate it strictly, and return the parsed body."""
    response = client.get("/api/dashboard")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    DashboardSnapshot.model_validate_json(response.content, strict=True)
    return json.loads(response.content, parse_constant=reject_constant)  # type: ignore[no-any-return]


def test_every_field_of_000_is_there_and_nothing_else(client: Any, filled: cast.Cast) -> None:
    s = fetch(client)
    assert_fields(s)
    assert s["alerts_active"]


def test_numbers_are_finite_integers_only(client: Any, filled: cast.Cast) -> None:
    s = fetch(client)
    found = numbers(s)
    assert found and all(type(n) is int for n in found)


def test_size_limits_follow_the_config(client: Any, filled: cast.Cast) -> None:
    cfg = panel_config()
    s = fetch(client)
    assert len(s["stage_history"]) == 20  # the cast has 30
    assert len(s["intents"]["recent"]) == cfg.intents_recent_limit == 50  # 81 in the cast
    assert len(s["reconcile"]["recent_diffs"]) == cfg.reconcile_diffs_recent_limit == 50  # 60
    assert len(s["market"]["symbols"]) == cfg.market_symbols_limit == 50  # 70 symbols
    small = dataclasses.replace(cfg, intents_recent_limit=10, reconcile_diffs_recent_limit=10, market_symbols_limit=10)
    t = build_snapshot(small)
    DashboardSnapshot.model_validate(t, strict=True)
    assert [len(t["intents"]["recent"]), len(t["reconcile"]["recent_diffs"]), len(t["market"]["symbols"])] == [10] * 3


def test_rows_are_ordered_as_000_says(client: Any, filled: cast.Cast) -> None:
    s = fetch(client)

    def desc(values: list[int]) -> bool:
        return values == sorted(values, reverse=True)

    assert desc([r["ts_ms"] for r in s["stage_history"]])
    assert desc([r["last_ts_ms"] for r in s["intents"]["recent"]])
    assert desc([r["ts_ms"] for r in s["reconcile"]["recent_diffs"]])
    assert desc([a["last_ts_ms"] for a in s["alerts_active"]])
    # Market: by internal score desc; the cast's score is (index * 37) % 10000.
    scores = [(int(m["symbol"][1:3]) * 37) % 10_000 for m in s["market"]["symbols"]]
    assert desc(scores)
    assert [p["ts_ms"] for p in s["risk"]["equity_curve"]] == sorted(p["ts_ms"] for p in s["risk"]["equity_curve"])


def test_integer_encodings(client: Any, filled: cast.Cast) -> None:
    s = fetch(client)
    h = s["health"]
    # The writer reports 2500 (= 25 % as ratio * 10000); 000 wants percent * 10000.
    assert h["audit_writer_queue_pct_x10000"] == 250_000
    assert h["audit_writer_queue_len"] == 250 and h["audit_writer_lag_ms"] == 12 and h["events_per_min"] == 3600
    assert h["last_writer_commit_ts_ms"] == filled.now_ms - 40  # from the *latest* HEARTBEAT event
    assert h["last_cycle_ts_ms"] == filled.now_ms - 800
    assert s["reconcile"]["drift_score_x10000"] == 620 and s["reconcile"]["drift_label"] == "BAD"
    row = next(m for m in s["market"]["symbols"] if m["symbol"] == "S21USDT")
    assert row["imbalance_x10000"] == -2479 and row["costs_bps"] == {"fees_bps": 10, "slippage_bps": 3, "spread_bps": 2}
    assert s["topk"]["max_pairwise_corr_x10000"] == 8700


@pytest.mark.sqlite_only  # PostgreSQL's int4 columns refuse such values when they are written
def test_out_of_range_values_are_clamped_not_fatal(client: Any, db: None) -> None:
    f.MarketSnapshotFactory(symbol="BIGUSDT", trend_score_x10000=2**40, imbalance_x10000=-(2**40))
    f.HeartbeatFactory(mode=settings.MODE, sys_mode="SIDEWAYS", stage="NOT_A_STAGE")
    s = fetch(client)
    row = s["market"]["symbols"][0]
    assert row["trend_score_x10000"] == 2**31 - 1 and row["imbalance_x10000"] == -(2**31)
    assert s["sys_mode"] == "NORMAL" and s["stage"] == "BOOT"


def test_state_comes_from_the_heartbeat(client: Any, filled: cast.Cast) -> None:
    s = fetch(client)
    assert (s["mode"], s["sys_mode"], s["stage"]) == (settings.MODE, "DEGRADE", "AIGATE_CALL")
    assert s["sys_mode_since_ts_ms"] == filled.now_ms - 600_000 and s["stage_since_ts_ms"] == filled.now_ms - 1500
    assert s["active_reason_codes"] == ["RECONCILE_DRIFT_BAD"]  # the non-catalog code is dropped
    assert s["run_id"] == f.RUN_ID and s["cycle_id"] == f"{f.RUN_ID}-c900"
    assert s["decision_id"] == s["stage_history"][0]["decision_id"] != ""


def test_alerts_are_aggregated_over_24h(client: Any, filled: cast.Cast) -> None:
    s = fetch(client)
    by_code = {a["reason_code"]: a for a in s["alerts_active"]}
    assert set(by_code) == {"RECONCILE_DRIFT_BAD", "DB_WRITER_QUEUE_HIGH", "ENTER_DEGRADE", "RATE_LIMIT_429"}
    bad = by_code["RECONCILE_DRIFT_BAD"]
    assert (bad["severity"], bad["count"], bad["last_ts_ms"], bad["first_ts_ms"]) == (
        "CRIT", 3, filled.now_ms - 60_000, filled.now_ms - 62_000)
    assert bad["order_intent_id"] == "oi-00"  # ids of the group's latest alert


def test_intent_counts_and_market_rows(client: Any, filled: cast.Cast) -> None:
    s = fetch(client)
    # 16 per state in the cast; the CONFIRMED intent resolved 5 days ago is outside the 24 h window.
    assert s["intents"]["pending_by_state"] == dict.fromkeys(sorted(cast.INTENT_STATES), 16)
    rows = {m["symbol"]: m for m in s["market"]["symbols"]}
    assert rows["S24USDT"]["blocked_reason_code"] == "SPREAD_TOO_WIDE" and rows["S25USDT"]["blocked_reason_code"] == ""
    assert rows["S21USDT"]["signal_flags"] == ["SPREAD_TOO_WIDE"]  # "NOT_A_CODE" dropped
    assert len(rows) == len(s["market"]["symbols"])  # one row per symbol: the latest snapshot wins


def test_topk_rows_are_coerced(client: Any, filled: cast.Cast) -> None:
    items = fetch(client)["topk"]["items"]
    assert [i["symbol"] for i in items] == ["S01USDT", "S02USDT"]  # the junk item is dropped
    assert items[0]["features_top"] == [{"name": "momentum_bps", "value_x10000": 4200},
                                        {"name": "rvol", "value_x10000": 3}]
    assert items[0]["churn_guard_applied"] is True and items[1]["features_top"] == []
    assert items[1]["score_x10000"] == 8800


def test_aigate_is_redacted(client: Any, filled: cast.Cast) -> None:
    response = client.get("/api/dashboard")
    assert b"PROMPT-TEXT" not in response.content and b"RESPONSE-TEXT" not in response.content
    for secret in settings.SECRET_SETTING_NAMES:
        assert getattr(settings, secret).encode() not in response.content
    a = json.loads(response.content)["aigate"]
    assert (a["verdict"], a["modify_applied"], a["reason_codes"]) == ("MODIFY", True, ["AIGATE_MODIFY_INVALID"])
    assert a["input_hash"] == "c" * 64 and a["latency_ms"] == 420


def test_a_gate_error_shows_as_block_with_its_kind(client: Any, db: None) -> None:
    f.AIGateEventFactory(verdict=AIGateVerdict.ERROR.value, error_kind="AIGATE_TIMEOUT",
                         reasons=[ReasonCode.AIGATE_TIMEOUT.value])
    a = fetch(client)["aigate"]
    assert (a["verdict"], a["error_kind"], a["reason_codes"]) == ("BLOCK", "AIGATE_TIMEOUT", ["AIGATE_TIMEOUT"])


def test_risk_figures(client: Any, filled: cast.Cast) -> None:
    r = fetch(client)["risk"]
    assert r["exposure_total_quote"] == "50" and r["exposure_by_symbol_quote"] == [{"symbol": "S00USDT", "quote": "50"}]
    assert r["daily_pnl_realized_quote"] == "3.85"  # 5 - 2.5 - 1.25 + 3, less 4 * 0.1 fees
    assert r["daily_pnl_unrealized_quote"] == "2"  # (104 - 100) * 0.5, marked at the latest fill
    assert r["drawdown_quote"] == "1.05"  # from the 4.9 peak to the latest 3.85
    assert [p["equity_quote"] for p in r["equity_curve"]] == ["4.9", "2.3", "0.95", "3.85"]
    assert r["daily_loss_limit_remaining_quote"] == "30"
    day = filled.now_ms - filled.now_ms % 86_400_000
    assert r["trades_today"] == Position.objects.filter(opened_ts_ms__gte=day).count()  # entries today
    assert r["locked_quote"] == "221.1"  # 22 open BUY LIMITs of 0.1 @ 100.5
    s01 = next(c for c in r["cooldowns"] if c["symbol"] == "S01USDT")
    assert s01["loss_streak"] == 0 and s01["cooldown_until_ts_ms"] > filled.now_ms - 3_000_000


def test_equity_and_streak_follow_close_time_not_row_update_time(client: Any, db: None) -> None:
    # A closed row can be touched after a later close (a late stream report, a swap's
    # accounting): the curve and the streak are of closes, in close order, whatever the updates.
    now = cast.now_ms_for_tests()
    day = now - now % 86_400_000
    base = max(day, now - 3_000_000)
    for i, (pnl, touched) in enumerate([("4", 5), ("-1", 1), ("-2", 2), ("-3", 3)]):
        f.PositionFactory(symbol="S09USDT", state="CLOSED", realized_pnl_quote=Decimal(pnl), fees_quote=Decimal(0),
                          opened_ts_ms=base + i * 1000 - 500, closed_ts_ms=base + i * 1000,
                          updated_ts_ms=base + 10_000 + touched)  # the oldest close was updated last
    r = fetch(client)["risk"]
    assert [p["ts_ms"] for p in r["equity_curve"]] == [base + i * 1000 for i in range(4)]
    assert [p["equity_quote"] for p in r["equity_curve"]] == ["4", "3", "1", "-2"]
    assert r["drawdown_quote"] == "6"
    (s09,) = (c for c in r["cooldowns"] if c["symbol"] == "S09USDT")
    assert s09["loss_streak"] == 3 and s09["cooldown_until_ts_ms"] > base + 3000


def test_an_empty_database_gives_a_valid_snapshot(client: Any, db: None) -> None:
    s = fetch(client)
    assert (s["sys_mode"], s["stage"], s["run_id"], s["alerts_active"], s["market"]["symbols"]) == (
        "NORMAL", "BOOT", "", [], [])
    assert s["aigate"]["last_call_ts_ms"] == 0 and s["topk"]["items"] == []


def test_rows_of_another_mode_are_not_shown(client: Any, db: None) -> None:
    other = "TESTNET" if settings.MODE != "TESTNET" else "PAPER"
    cast.fill(cast.now_ms_for_tests(), mode=other)
    s = fetch(client)
    assert s["stage_history"] == [] and s["alerts_active"] == [] and s["market"]["symbols"] == []
    assert client.get("/api/orders").json()["orders"] == []


def test_the_builder_only_reads_and_uses_indexes(filled: cast.Cast) -> None:
    with CaptureQueriesContext(connection) as captured:
        build_snapshot()
    sqls = [q["sql"] for q in captured.captured_queries]
    assert sqls and all(q.lstrip().upper().startswith("SELECT") for q in sqls)
    if connection.vendor != "sqlite":
        return
    tables = set(connection.introspection.table_names())
    with connection.cursor() as cur:
        for q in sqls:
            cur.execute("EXPLAIN QUERY PLAN " + q)
            plan = [row[-1] for row in cur.fetchall()]
            full_scans = [p for p in plan if p.split(" ")[0] == "SCAN" and p.split(" ")[1] in tables
                          and "INDEX" not in p]
            assert not full_scans, (q, plan)
