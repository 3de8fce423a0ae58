"""Raw read-only SQL for the snapshot: the ORM's per-query compile cost (~0.4 ms) times ~20
queries would eat most of the 30 ms budget, so the hot path uses plain SELECTs.

Table names come from the models' Meta, so a renamed table cannot silently diverge; the SQL is
portable (SQLite and PostgreSQL: %s placeholders, LIMIT, no dialect functions).

Tie-breaks follow each table's time index so "newest first" stays an index walk: the audit
tables have ascending indexes (ORDER BY ts_ms DESC, id DESC walks one backwards); the trading
tables have DESC indexes, whose entries hold equal times in ascending rowid order, so there
it is ORDER BY ts_ms DESC, id ASC (anything else makes SQLite sort the whole table).
"""
from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

import orjson
from django.db import connection

from aigate.models import AIGateEvent
from audit.models import Alert, AuditEvent, StageEvent
from trading.models import (
    Fill,
    Heartbeat,
    MarketSnapshot,
    Order,
    OrderIntent,
    Position,
    ReconcileDiff,
    ReconcileRun,
    TopKSnapshot,
)

T_AIGATE = AIGateEvent._meta.db_table
T_ALERT = Alert._meta.db_table
T_AUDIT = AuditEvent._meta.db_table
T_STAGE = StageEvent._meta.db_table
T_FILL = Fill._meta.db_table
T_HEARTBEAT = Heartbeat._meta.db_table
T_MARKET = MarketSnapshot._meta.db_table
T_ORDER = Order._meta.db_table
T_INTENT = OrderIntent._meta.db_table
T_POSITION = Position._meta.db_table
T_RECON_DIFF = ReconcileDiff._meta.db_table
T_RECON_RUN = ReconcileRun._meta.db_table
T_TOPK = TopKSnapshot._meta.db_table


def rows(sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Return every row of a SELECT."""
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return list(cur.fetchall())


def one(sql: str, params: tuple[Any, ...] = ()) -> tuple[Any, ...] | None:
    """Return the first row of a SELECT, or None."""
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchone()  # type: ignore[no-any-return]


def json_value(raw: Any) -> Any:
    """Return a JSON column's value: SQLite hands back text, PostgreSQL already-parsed data."""
    if isinstance(raw, (str, bytes)):
        try:
            return orjson.loads(raw)
        except orjson.JSONDecodeError:
            return None
    return raw


def decimal(raw: Any) -> Decimal | None:
    """Return a DecimalTextField column's value as a finite Decimal, or None."""
    if raw is None:
        return None
    try:
        d = Decimal(str(raw))
    except InvalidOperation:
        return None
    return d if d.is_finite() else None
