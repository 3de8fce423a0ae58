"""The state machines of livespot, one transition table each: order intents and SysMode.

A table maps each state to the states it may move to. A state with no exits is terminal.
Transitions a reader might not expect carry the real-world case that forces them.
"""
from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType

from trading.domain.catalog.panel import IntentState, SysMode


class IllegalTransition(ValueError):
    """A state machine was asked to move along an edge its table does not have."""

    def __init__(self, machine: str, current: StrEnum, new: StrEnum) -> None:
        super().__init__(f"{machine}: {current} -> {new} is not allowed")
        self.machine = machine
        self.current = current
        self.new = new


_I = IntentState
INTENT_TRANSITIONS: Mapping[IntentState, frozenset[IntentState]] = MappingProxyType({
    _I.CREATED: frozenset({
        # Timeout, 5xx or a dropped connection after sending: the order may exist.
        # Also crash recovery: a CREATED row found at boot may or may not have been sent.
        _I.SENT_UNKNOWN,
        _I.CONFIRMED,  # the exchange acknowledged the order
        # Refused for good (4xx such as a filter failure), or abandoned before it was sent.
        _I.FAILED_TERMINAL,
    }),
    _I.SENT_UNKNOWN: frozenset({
        _I.CONFIRMED,  # the query by client order id found it: it was executed after all
        # Not found once recvWindow has passed: the exchange can no longer accept it, so it never will.
        _I.NOT_FOUND,
        _I.FAILED_TERMINAL,  # the query shows it was rejected
    }),
    # Terminal. What happens to a confirmed order afterwards (fills, cancel) is the order's story.
    _I.CONFIRMED: frozenset(),
    _I.NOT_FOUND: frozenset(),
    _I.FAILED_TERMINAL: frozenset(),
})

_S = SysMode
SYS_MODE_TRANSITIONS: Mapping[SysMode, frozenset[SysMode]] = MappingProxyType({
    _S.NORMAL: frozenset({_S.DEGRADE, _S.PAUSE, _S.EXIT}),
    # DEGRADE -> NORMAL once the cause cleared (drift OK again, queue drained, disk freed).
    _S.DEGRADE: frozenset({_S.NORMAL, _S.PAUSE, _S.EXIT}),
    # PAUSE -> DEGRADE: an operator resumes while a degrade cause (e.g. BAD drift) still holds.
    _S.PAUSE: frozenset({_S.NORMAL, _S.DEGRADE, _S.EXIT}),
    _S.EXIT: frozenset(),  # terminal: the process is shutting down with an audited reason
})


def is_terminal_intent_state(state: IntentState) -> bool:
    """Return True when an intent in `state` can never change again."""
    return not INTENT_TRANSITIONS[state]


def can_transition_intent(current: IntentState, new: IntentState) -> bool:
    """Return True when an intent may move from `current` to `new`."""
    return new in INTENT_TRANSITIONS[current]


def check_intent_transition(current: IntentState, new: IntentState) -> None:
    """Return None if the intent may move from `current` to `new`; raise IllegalTransition if not."""
    if not can_transition_intent(current, new):
        raise IllegalTransition("intent", current, new)


def can_transition_sys_mode(current: SysMode, new: SysMode) -> bool:
    """Return True when SysMode may move from `current` to `new`.

    Staying in the same mode is not a transition (False): callers treat it as a no-op, with no
    alert, rather than an edge to audit.
    """
    return new in SYS_MODE_TRANSITIONS[current]


def check_sys_mode_transition(current: SysMode, new: SysMode) -> None:
    """Return None if SysMode may move from `current` to `new`; raise IllegalTransition if not."""
    if not can_transition_sys_mode(current, new):
        raise IllegalTransition("sys_mode", current, new)
