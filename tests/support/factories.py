"""factory-boy builders: one valid row per livespot table, with ids in the shapes livespot mints.

Rows are stamped "now" so the admin's time windows see them; pass ts_ms to place one elsewhere.
`make_row(model)` builds a row of any registered model (see FACTORIES).
"""
from __future__ import annotations

import datetime
import time
from decimal import Decimal
from typing import Any

import factory
from django.contrib.auth.models import Group
from django.db import models
from factory.django import DjangoModelFactory

from aigate.models import AIGateEvent
from audit.models import Alert, AuditEvent, StageEvent, WriterCheckpoint
from trading import models as tm

RUN_ID = "r-20251121T000000Z-abcdef"


def now_ms() -> int:
    return time.time_ns() // 1_000_000


class EnvelopeFactory(DjangoModelFactory):  # type: ignore[misc]
    class Meta:
        abstract = True

    ts_ms = factory.LazyFunction(now_ms)
    run_id = RUN_ID
    cycle_id = factory.Sequence(lambda n: f"{RUN_ID}-c{n}")
    snapshot_id = factory.Sequence(lambda n: f"s-{n:08d}")
    decision_id = factory.Sequence(lambda n: f"d-{n:032x}")
    mode = "PAPER"
    symbol = "BTCUSDT"
    reasons = factory.LazyFunction(list)


class AuditEventFactory(EnvelopeFactory):
    class Meta:
        model = AuditEvent

    seq = factory.Sequence(lambda n: n)
    stage = "EXECUTE_INTENT"
    event_type = "ORDER_SUBMIT"
    order_intent_id = factory.Sequence(lambda n: f"oi-{n:032x}")
    data = factory.LazyFunction(lambda: {"qty": "0.5"})


class StageEventFactory(EnvelopeFactory):
    class Meta:
        model = StageEvent

    seq = factory.Sequence(lambda n: n)
    stage = "DEEP_SCAN"
    event_type = "STAGE_CHANGED"
    summary = "3 candidates"


class AlertFactory(EnvelopeFactory):
    class Meta:
        model = Alert

    seq = factory.Sequence(lambda n: n)
    stage = "RECONCILE_REST"
    event_type = "ALERT_RAISED"
    reason_code = "RECONCILE_DRIFT_WARN"
    severity = "WARN"
    summary = "drift above tolerance"


class WriterCheckpointFactory(DjangoModelFactory):  # type: ignore[misc]
    class Meta:
        model = WriterCheckpoint

    run_id = factory.Sequence(lambda n: f"r-20251121T0000{n % 60:02d}Z-{n:06x}")
    committed_seq = 10
    trailed_seq = 9
    updated_ts_ms = factory.LazyFunction(now_ms)


class MarketSnapshotFactory(EnvelopeFactory):
    class Meta:
        model = tm.MarketSnapshot

    stage = "DEEP_SCAN"
    event_type = "MARKET_SNAPSHOT"
    regime = "TREND"
    score_x10000 = 7_500
    trend_score_x10000 = 8_000
    spread_current_bps = 2
    spread_p90_bps = 4
    edge_bps_expected = 35
    signal_flags = factory.LazyFunction(lambda: ["SPREAD_TOO_WIDE"])
    snapshot_hash = "a" * 64


class TopKSnapshotFactory(EnvelopeFactory):
    class Meta:
        model = tm.TopKSnapshot

    stage = "DEEP_SCAN"
    event_type = "TOPK_RANKED"
    items = factory.LazyFunction(lambda: [
        {"symbol": "BTCUSDT", "score_x10000": 9000, "features_top": [], "churn_guard_applied": False}])
    max_pairwise_corr_x10000 = 6_500


class DecisionFactory(EnvelopeFactory):
    class Meta:
        model = tm.Decision

    stage = "STRATEGY_PROPOSE"
    event_type = "DECISION_PROPOSED"
    reasons = ["SPREAD_TOO_WIDE"]
    intent = "ENTRY"
    side = "BUY"
    entry_plan = factory.LazyFunction(
        lambda: {"order_type": "LIMIT", "price": "100.5", "qty": "0.1", "ttl_ms": 60000})
    exit_plan = factory.LazyFunction(lambda: {"take_profit_price": "105", "stop_price": "98", "stop_limit_price": "97.9"})
    edge_bps = 40
    costs_bps = 15
    strategy = "momentum"
    strategy_version = "1"
    input_hash = "b" * 64


class RiskVerdictFactory(EnvelopeFactory):
    class Meta:
        model = tm.RiskVerdict

    stage = "RISK_VERDICT"
    event_type = "RISK_VERDICT"
    reasons = ["RISK_APPROVED"]
    outcome = "APPROVE"
    checks = factory.LazyFunction(lambda: [{"name": "daily_loss", "passed": True, "detail": ""}])


class AIGateEventFactory(EnvelopeFactory):
    class Meta:
        model = AIGateEvent

    stage = "AIGATE_CALL"
    event_type = "AIGATE_CALL"
    reasons = ["AIGATE_ALLOW"]
    verdict = "ALLOW"
    model = "gpt-test"
    latency_ms = 420
    input_hash = "c" * 64
    snapshot_hash = "a" * 64
    raw_hash = "d" * 64


class OrderIntentFactory(DjangoModelFactory):  # type: ignore[misc]
    class Meta:
        model = tm.OrderIntent

    run_id = RUN_ID
    cycle_id = factory.Sequence(lambda n: f"{RUN_ID}-c{n}")
    decision_id = factory.Sequence(lambda n: f"d-{n:032x}")
    mode = "PAPER"
    symbol = "BTCUSDT"
    order_intent_id = factory.Sequence(lambda n: f"oi-{n:032x}")
    kind = "ENTRY"
    side = "BUY"
    order_type = "LIMIT"
    qty = Decimal("0.1")
    price = Decimal("100.5")
    client_order_id = factory.Sequence(lambda n: f"ls{n:028x}")
    state = "CREATED"
    created_ts_ms = factory.LazyFunction(now_ms)
    updated_ts_ms = factory.LazyAttribute(lambda o: o.created_ts_ms)
    summary = "entry limit"


class OrderFactory(DjangoModelFactory):  # type: ignore[misc]
    class Meta:
        model = tm.Order

    mode = "PAPER"
    symbol = "BTCUSDT"
    exchange_order_id = factory.Sequence(lambda n: 1_000_000 + n)
    client_order_id = factory.Sequence(lambda n: f"ls{n:028x}")
    order_intent_id = factory.Sequence(lambda n: f"oi-{n:032x}")
    status = "NEW"
    order_type = "LIMIT"
    side = "BUY"
    time_in_force = "GTC"
    price = Decimal("100.5")
    orig_qty = Decimal("0.1")
    created_ts_ms = factory.LazyFunction(now_ms)
    updated_ts_ms = factory.LazyAttribute(lambda o: o.created_ts_ms)


class FillFactory(EnvelopeFactory):
    class Meta:
        model = tm.Fill

    stage = "EXECUTE_INTENT"
    event_type = "FILL"
    trade_id = factory.Sequence(lambda n: 5_000_000 + n)
    exchange_order_id = factory.Sequence(lambda n: 1_000_000 + n)
    order_intent_id = factory.Sequence(lambda n: f"oi-{n:032x}")
    side = "BUY"
    price = Decimal("100.5")
    qty = Decimal("0.1")
    quote_qty = Decimal("10.05")
    commission = Decimal("0.0001")
    commission_asset = "BNB"
    is_maker = False


class PositionFactory(DjangoModelFactory):  # type: ignore[misc]
    class Meta:
        model = tm.Position

    mode = "PAPER"
    symbol = factory.Sequence(lambda n: f"C{n}USDT")  # one OPEN position per symbol
    decision_id = factory.Sequence(lambda n: f"d-{n:032x}")
    qty = Decimal("0.1")
    avg_entry_price = Decimal("100.5")
    opened_ts_ms = factory.LazyFunction(now_ms)
    updated_ts_ms = factory.LazyAttribute(lambda o: o.opened_ts_ms)
    protection_state = "OCO"


class ReconcileRunFactory(EnvelopeFactory):
    class Meta:
        model = tm.ReconcileRun

    symbol = ""
    stage = "RECONCILE_REST"
    event_type = "RECONCILE_RUN"
    trigger = "PERIODIC"
    duration_ms = 120
    drift_score_x10000 = 150
    drift_label = "OK"
    counts = factory.LazyFunction(lambda: {"orders": 2, "fills": 3})


class ReconcileDiffFactory(EnvelopeFactory):
    class Meta:
        model = tm.ReconcileDiff

    stage = "RECONCILE_REST"
    event_type = "RECONCILE_DIFF"
    reconcile_run = factory.SubFactory(ReconcileRunFactory)
    kind = "ORDER_STATUS"
    summary = "NEW in db, FILLED on exchange"
    expected = factory.LazyFunction(lambda: {"status": "NEW"})
    actual = factory.LazyFunction(lambda: {"status": "FILLED"})


class DailyReportFactory(EnvelopeFactory):
    class Meta:
        model = tm.DailyReport

    symbol = ""
    stage = "REPORT_DAILY_SUMMARY"
    event_type = "DAILY_REPORT"
    day = factory.Sequence(lambda n: datetime.date(2025, 1, 1) + datetime.timedelta(days=n))
    figures = factory.LazyFunction(lambda: {"realized_pnl_quote": "12.5", "trades": 4})


class HeartbeatFactory(DjangoModelFactory):  # type: ignore[misc]
    class Meta:
        model = tm.Heartbeat
        django_get_or_create = ("mode",)

    mode = "PAPER"
    run_id = RUN_ID
    started_ts_ms = factory.LazyFunction(now_ms)
    ts_ms = factory.LazyFunction(now_ms)
    stage = "STATE_UPDATE"
    stage_since_ts_ms = factory.LazyFunction(now_ms)
    sys_mode = "NORMAL"
    sys_mode_since_ts_ms = factory.LazyFunction(now_ms)


class ControlCommandFactory(DjangoModelFactory):  # type: ignore[misc]
    class Meta:
        model = tm.ControlCommand

    mode = "PAPER"
    command = "PAUSE"
    requested_by = "ops"
    requested_ts_ms = factory.LazyFunction(now_ms)
    operator_note = "maintenance"


class GroupFactory(DjangoModelFactory):  # type: ignore[misc]
    class Meta:
        model = Group

    name = factory.Sequence(lambda n: f"group-{n}")


FACTORIES: dict[type[models.Model], type[DjangoModelFactory]] = {
    f._meta.model: f
    for f in (
        AuditEventFactory, StageEventFactory, AlertFactory, WriterCheckpointFactory,
        MarketSnapshotFactory, TopKSnapshotFactory, DecisionFactory, RiskVerdictFactory,
        AIGateEventFactory, OrderIntentFactory, OrderFactory, FillFactory, PositionFactory,
        ReconcileRunFactory, ReconcileDiffFactory, DailyReportFactory, HeartbeatFactory,
        ControlCommandFactory, GroupFactory,
    )
}


def make_row(model: type[models.Model], **fields: Any) -> models.Model:
    """Return a saved row of `model` built by its factory."""
    return FACTORIES[model].create(**fields)  # type: ignore[no-any-return]
