"""Trading services: the sole writers of trading rows; each change emits its audit event.

Callers (executor, position manager, reconcile, worker steps) never call `.save()` on a trading
model. Network calls are never made inside these functions' transactions.
"""
from trading.services.context import ServiceContext, WriteAheadInTransaction
from trading.services.fills import FillOutcome, TradeFill, known_trade_ids, record_fill
from trading.services.intents import create_intent, intent_from_row, intents_in, note_intent, transition_intent
from trading.services.orders import open_entry_intents, open_order_rows, upsert_order
from trading.services.positions import (
    adopt_position,
    close_position,
    open_position,
    open_positions,
    record_swap,
    set_protection,
)

__all__ = [
    "FillOutcome", "ServiceContext", "TradeFill", "WriteAheadInTransaction", "adopt_position", "close_position",
    "create_intent", "intent_from_row", "intents_in", "known_trade_ids", "note_intent", "open_entry_intents", "open_order_rows",
    "open_position", "open_positions", "record_fill", "record_swap", "set_protection", "transition_intent",
    "upsert_order",
]
