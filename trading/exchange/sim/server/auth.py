"""SIGNED request checks: API key, HMAC-SHA256 signature, timestamp and recvWindow (facts §1).

Only HMAC keys are simulated. The accepted key and secret never appear in a repr, a log line
or an error message: tests run with canary values and fail on any leak.
"""
from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Callable, Mapping

from trading.exchange.sim.engine import BinanceApiError
from trading.exchange.sim.engine.errors import mandatory

DEFAULT_RECV_WINDOW = 5000
MAX_RECV_WINDOW = 60000
_KEY_FORMAT = re.compile(r"^[A-Za-z0-9_\-]{1,128}$")
_INT = re.compile(r"^-?[0-9]{1,20}$")


class Credentials:
    """The one API key/secret pair the simulator accepts (HMAC)."""

    __slots__ = ("_key", "_secret")

    def __init__(self, api_key: str, api_secret: str) -> None:
        self._key = api_key
        self._secret = api_secret.encode()

    def __repr__(self) -> str:
        return "Credentials(<redacted>)"

    def key_matches(self, api_key: str) -> bool:
        """Return True when `api_key` is the accepted key (constant time)."""
        return hmac.compare_digest(api_key.encode(), self._key.encode())

    def sign(self, payload: str) -> str:
        """Return the lowercase hex HMAC-SHA256 of `payload`."""
        return hmac.new(self._secret, payload.encode(), hashlib.sha256).hexdigest()


def key_format_invalid() -> BinanceApiError:
    """Return -2014 (HTTP 401 [obs], facts §0)."""
    return BinanceApiError(-2014, "API-key format invalid.", 401)


def key_rejected() -> BinanceApiError:
    """Return -2015 (HTTP 401 [obs], facts §0)."""
    return BinanceApiError(-2015, "Invalid API-key, IP, or permissions for action.", 401)


def bad_signature() -> BinanceApiError:
    """Return -1022."""
    return BinanceApiError(-1022, "Signature for this request is not valid.")


class Authenticator:
    """Checks signed requests against one credential pair and the exchange clock."""

    def __init__(self, credentials: Credentials, now_ms: Callable[[], int]) -> None:
        self._creds = credentials
        self._now_ms = now_ms

    def check_key(self, api_key: str | None) -> None:
        """Raise -2014 for a missing or garbled key, -2015 for an unknown one."""
        if not api_key or not _KEY_FORMAT.match(api_key):
            raise key_format_invalid()
        if not self._creds.key_matches(api_key):
            raise key_rejected()

    def check_signature(self, payload: str, signature: str | None) -> None:
        """Raise -1102 when `signature` is missing, -1022 when it does not sign `payload`.

        HMAC signatures are hex and case-insensitive (facts §1).
        """
        if not signature:
            raise mandatory("signature")
        if not hmac.compare_digest(self._creds.sign(payload), signature.lower()):
            raise bad_signature()

    def check_timestamp(self, params: Mapping[str, str]) -> None:
        """Raise -1102 for a missing/malformed timestamp or recvWindow, -1021 outside the window.

        Accept iff timestamp < serverTime + 1000 and serverTime - timestamp <= recvWindow
        (facts §1); recvWindow may carry up to three decimals (microseconds).
        """
        raw_ts = params.get("timestamp")
        if not raw_ts or not _INT.match(raw_ts):
            raise mandatory("timestamp")
        window = _recv_window(params.get("recvWindow"))
        timestamp, now = int(raw_ts), self._now_ms()
        if timestamp >= now + 1000:
            raise BinanceApiError(-1021, "Timestamp for this request was 1000ms ahead of the server's time.")
        if now - timestamp > window:
            raise BinanceApiError(-1021, "Timestamp for this request is outside of the recvWindow.")

    def sign(self, payload: str) -> str:
        """Return the signature the server expects for `payload` (for WS API checks)."""
        return self._creds.sign(payload)


def _recv_window(raw: str | None) -> float:
    if raw is None or raw == "":
        return DEFAULT_RECV_WINDOW
    try:
        value = float(raw)
    except ValueError:
        raise mandatory("recvWindow") from None
    if value <= 0 or value > MAX_RECV_WINDOW:
        raise mandatory("recvWindow")  # facts §1: recvWindow > 60000 -> -1102
    return value
