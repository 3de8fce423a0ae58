"""Fault injection: what the simulator does wrong on purpose, switchable per test (facts §10.13–14).

A `Faults` object is shared by the REST layer and the WebSocket senders. Tests change it from
their own thread while the server loop reads it, hence the lock. One-shot rules count down;
rate rules roll a seeded RNG so a CLI run with `--seed` misbehaves the same way twice.
"""
from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field
from enum import StrEnum


class HttpFaultKind(StrEnum):
    FAIL = "fail"  # a plain 5xx before anything happened (HTML body, like a proxy)
    REJECT = "reject"  # a Binance error body before anything happened
    TIMEOUT_AFTER_EXEC = "timeout_after_exec"  # the engine ran; the client never learns the result


class Withhold(StrEnum):
    """How a response is withheld after execution (facts §0: status UNKNOWN, may have executed)."""

    DROP = "drop"  # close the connection without a response
    HTTP_503 = "503"  # an HTML 503 from "the gateway"
    TIMEOUT_1007 = "-1007"  # Binance's backend-timeout error (HTTP status unsettled, facts §11)


class FrameAction(StrEnum):
    SEND = "send"
    DROP = "drop"
    GARBLE = "garble"


@dataclass
class HttpFault:
    """One REST fault rule; `path`/`method` None match any; `remaining` None = until cleared."""

    kind: HttpFaultKind
    path: str | None = None
    method: str | None = None
    remaining: int | None = 1
    rate: float = 1.0
    status: int = 503
    code: int = -1000
    msg: str = "An unknown error occurred while processing the request."
    withhold: Withhold = Withhold.DROP
    hold_ms: int = 0  # wall ms to wait before withholding (a client timeout needs > its timeout)
    retry_after_s: int | None = None  # a REJECT's Retry-After header (429/418 answers carry one)

    def matches(self, method: str, path: str) -> bool:
        """Return True when the rule applies to this request."""
        return (self.path is None or self.path == path) and (self.method is None or self.method == method)


@dataclass
class _FrameRule:
    action: FrameAction
    remaining: int | None
    rate: float


@dataclass
class Faults:
    """All active faults. Latency and skew are plain settings; the rest are rules."""

    seed: int = 0
    latency_ms: int = 0  # added to every REST call (wall time), before the second timestamp check
    latency_jitter_ms: int = 0
    clock_skew_ms: int = 0  # the server's clock runs this far ahead of the exchange clock (-1021)
    _http: list[HttpFault] = field(default_factory=list)
    _frames: dict[str, list[_FrameRule]] = field(default_factory=lambda: {"market": [], "user": []})
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _rng: random.Random = field(init=False)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)

    # -- REST ----------------------------------------------------------------------------

    def add(self, rule: HttpFault) -> HttpFault:
        """Add a REST rule; return it (its `remaining` shows how many are left)."""
        with self._lock:
            self._http.append(rule)
        return rule

    def fail_next(self, count: int = 1, *, status: int = 503, path: str | None = None,
                  method: str | None = None) -> HttpFault:
        """Answer the next `count` matching calls with a plain HTML 5xx, executing nothing."""
        return self.add(HttpFault(HttpFaultKind.FAIL, path, method, count, status=status))

    def reject_next(self, code: int, msg: str, *, status: int = 400, count: int | None = 1, path: str | None = None,
                    method: str | None = None, retry_after_s: int | None = None) -> HttpFault:
        """Answer the next `count` matching calls (None: until cleared) with `{"code","msg"}`, executing nothing."""
        return self.add(HttpFault(HttpFaultKind.REJECT, path, method, count, status=status, code=code, msg=msg,
                                  retry_after_s=retry_after_s))

    def timeout_after_execution(self, count: int = 1, *, path: str | None = "/api/v3/order",
                                method: str | None = "POST", withhold: Withhold | str = Withhold.DROP,
                                hold_ms: int = 0) -> HttpFault:
        """Execute the next `count` matching calls, then withhold the result (drop, 503 or -1007)."""
        return self.add(HttpFault(HttpFaultKind.TIMEOUT_AFTER_EXEC, path, method, count,
                                  withhold=Withhold(withhold), hold_ms=hold_ms))

    def take(self, method: str, path: str, kinds: tuple[HttpFaultKind, ...]) -> HttpFault | None:
        """Return the first rule of `kinds` that fires for this call, consuming one use."""
        with self._lock:
            for rule in self._http:
                if rule.kind in kinds and rule.matches(method, path) and self._fires(rule.remaining, rule.rate):
                    if rule.remaining is not None:
                        rule.remaining -= 1
                    self._http = [r for r in self._http if r.remaining != 0]
                    return rule
        return None

    def latency_s(self) -> float:
        """Return the added REST latency for one call, in seconds."""
        with self._lock:
            jitter = self._rng.uniform(0, self.latency_jitter_ms) if self.latency_jitter_ms else 0.0
        return (self.latency_ms + jitter) / 1000

    # -- WebSocket frames ----------------------------------------------------------------

    def drop_frames(self, count: int | None = 1, *, rate: float = 1.0, target: str = "market") -> None:
        """Silently drop the next `count` frames (or a `rate` of them when count is None)."""
        self._add_frame_rule(target, _FrameRule(FrameAction.DROP, count, rate))

    def garble_frames(self, count: int | None = 1, *, rate: float = 1.0, target: str = "market") -> None:
        """Send the next `count` frames (or a `rate` of them) as malformed JSON."""
        self._add_frame_rule(target, _FrameRule(FrameAction.GARBLE, count, rate))

    def frame_action(self, target: str) -> FrameAction:
        """Return what to do with the next outgoing frame of `target` ("market" or "user")."""
        with self._lock:
            rules = self._frames[target]
            for rule in rules:
                if self._fires(rule.remaining, rule.rate):
                    if rule.remaining is not None:
                        rule.remaining -= 1
                    self._frames[target] = [r for r in rules if r.remaining != 0]
                    return rule.action
        return FrameAction.SEND

    def clear(self) -> None:
        """Remove every fault: rules, latency and clock skew."""
        with self._lock:
            self._http.clear()
            for rules in self._frames.values():
                rules.clear()
            self.latency_ms = self.latency_jitter_ms = self.clock_skew_ms = 0

    def _add_frame_rule(self, target: str, rule: _FrameRule) -> None:
        if target not in self._frames:
            raise ValueError(f"unknown frame target {target!r}; use 'market' or 'user'")
        with self._lock:
            self._frames[target].append(rule)

    def _fires(self, remaining: int | None, rate: float) -> bool:
        if remaining is not None and remaining <= 0:
            return False
        return rate >= 1.0 or self._rng.random() < rate
