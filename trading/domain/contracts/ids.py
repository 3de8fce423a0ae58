"""Identifiers. Everything but the run id is derived from content, so a retry or a replay
produces the same id and the exchange, the database and the audit deduplicate it.

Binance accepts a newClientOrderId matching CLIENT_ORDER_ID_RE. Ours start with "ls" so an
operator (and startup recovery) can tell livespot's orders from manual ones.
"""
from __future__ import annotations

import functools
import re
import secrets
from datetime import UTC, datetime

from trading.domain.clock import Clock
from trading.domain.contracts.canonical import ContractViolation, require_int, require_text, sha256_hex

CLIENT_ORDER_ID_RE = re.compile(r"^[a-zA-Z0-9-_]{1,36}$")
CLIENT_ORDER_ID_PREFIX = "ls"
ORDER_INTENT_ID_RE = re.compile(r"^oi-[0-9a-f]{32}$")
# Legs of one intent: an OCO has a list id and one id per order ("above" the market: the take
# profit; "below": the stop). Short so the id keeps 112 bits of hash inside 36 characters.
LEG_RE = re.compile(r"^[a-z0-9]{0,5}$")
OCO_LEGS = ("list", "above", "below")
_CLIENT_HASH_HEX = 28


def order_intent_id_for(decision_id: str, kind: str, attempt: int = 0) -> str:
    """Return "oi-" + 32 hex derived from (decision_id, kind, attempt).

    A new attempt (after the previous one ended NOT_FOUND or FAILED_TERMINAL) gets a new id,
    hence a new client order id; the same attempt always gets the same ones.
    """
    require_text(decision_id, "decision_id")
    require_text(kind, "kind")
    require_int(attempt, "attempt")
    return _intent_id(str(decision_id), str(kind), attempt)


# Ids are pure functions of short strings, and every intent is checked against its ids again when
# it is built, moved to a new state or loaded: remembering the recent ones saves hashing them anew.
@functools.lru_cache(maxsize=4096)
def _intent_id(decision_id: str, kind: str, attempt: int) -> str:
    return "oi-" + sha256_hex({"decision_id": decision_id, "kind": kind, "attempt": attempt})[:32]


def client_order_id_for(order_intent_id: str, leg: str = "") -> str:
    """Return the newClientOrderId of one leg of an intent: "ls" + 28 hex [+ "_" + leg].

    The result always matches CLIENT_ORDER_ID_RE and is at most 36 characters.
    Raises ContractViolation for an empty intent id or a leg that is not 0-5 of [a-z0-9].
    """
    require_text(order_intent_id, "order_intent_id")
    if not (isinstance(leg, str) and bool(LEG_RE.match(leg))):
        raise ContractViolation(f"leg must be 0-5 characters of [a-z0-9], got {leg!r}")
    return _client_order_id(str(order_intent_id), str(leg))


@functools.lru_cache(maxsize=4096)
def _client_order_id(order_intent_id: str, leg: str) -> str:
    digest = sha256_hex({"order_intent_id": order_intent_id, "leg": leg})[:_CLIENT_HASH_HEX]
    return CLIENT_ORDER_ID_PREFIX + digest + (f"_{leg}" if leg else "")


def is_our_client_order_id(client_order_id: str) -> bool:
    """Return True when `client_order_id` has the shape livespot gives its own orders."""
    return bool(re.match(rf"^{CLIENT_ORDER_ID_PREFIX}[0-9a-f]{{{_CLIENT_HASH_HEX}}}(_[a-z0-9]{{1,5}})?$",
                         client_order_id))


def new_run_id(clock: Clock) -> str:
    """Return a fresh run id, "r-" + UTC start time (YYYYMMDDTHHMMSSZ) + "-" + 6 random hex.

    The one non-deterministic id: two processes started in the same second must not share it.
    """
    started = datetime.fromtimestamp(clock.now_ms() / 1000, tz=UTC)
    return f"r-{started:%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"


def cycle_id_for(run_id: str, n: int) -> str:
    """Return the id of cycle `n` (0-based) of `run_id`: "<run_id>-c<n>"."""
    require_text(run_id, "run_id")
    require_int(n, "cycle number")
    return f"{run_id}-c{n}"
