"""Enums of the panel contract (000 "WEB PANEL - DATA CONTRACT") and of the state machines."""
from __future__ import annotations

from enum import StrEnum


class Mode(StrEnum):
    """Trading mode; 000 has only LIVE, design.md §9 extends it."""

    PAPER = "PAPER"
    TESTNET = "TESTNET"
    LIVE = "LIVE"


class SysMode(StrEnum):
    NORMAL = "NORMAL"
    DEGRADE = "DEGRADE"
    PAUSE = "PAUSE"
    EXIT = "EXIT"


class Severity(StrEnum):
    INFO = "INFO"
    WARN = "WARN"
    CRIT = "CRIT"


class WriterPressure(StrEnum):
    OK = "OK"
    HIGH = "HIGH"
    FULL = "FULL"


class DriftLabel(StrEnum):
    OK = "OK"
    WARN = "WARN"
    BAD = "BAD"


class AIGateVerdict(StrEnum):
    """The panel shows ALLOW|BLOCK|MODIFY; ERROR exists locally only (000 AIGATE_CALL)."""

    ALLOW = "ALLOW"
    BLOCK = "BLOCK"
    MODIFY = "MODIFY"
    ERROR = "ERROR"


class IntentState(StrEnum):
    CREATED = "CREATED"
    SENT_UNKNOWN = "SENT_UNKNOWN"
    CONFIRMED = "CONFIRMED"
    NOT_FOUND = "NOT_FOUND"
    FAILED_TERMINAL = "FAILED_TERMINAL"


class RegimeLabel(StrEnum):
    TREND = "TREND"
    RANGE = "RANGE"


class RiskOutcome(StrEnum):
    APPROVE = "APPROVE"
    BLOCK = "BLOCK"
