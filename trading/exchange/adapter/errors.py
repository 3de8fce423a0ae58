"""Turn python-binance and transport failures into the typed errors of `trading.domain.ports`.

The one question every mapping answers: may the request have been executed (facts §0, §5, §9)?
- a Binance error body with a 4xx status: no (`ExchangeRejected`, `OrderNotFound`);
- 5xx, or -1000/-1001/-1006/-1007/-1008 whatever the status: unknown for a request that changes
  state (`ExecutionUnknown`), plainly unavailable for a read;
- a timeout or a connection lost after the request left: unknown (python-binance does not wrap
  these: `requests.exceptions.*`);
- a connection that never opened: not sent (`ExchangeUnavailable`).
Messages carry exception class names only: a requests error's text holds the signed URL.
"""
from __future__ import annotations

import requests
from binance.exceptions import BinanceAPIException, BinanceRequestException
from urllib3.exceptions import ConnectTimeoutError, MaxRetryError, NameResolutionError, NewConnectionError

from trading.domain.ports import ExchangeError, ExchangeRejected, ExchangeUnavailable, ExecutionUnknown, OrderNotFound

# Binance's "unknown / disconnected / unexpected / timeout / busy" family (facts §5): the
# backend may have processed the request, so for orders the status is unknown.
UNKNOWN_OUTCOME_CODES = frozenset({-1000, -1001, -1006, -1007, -1008})
UNKNOWN_ORDER_MSG = "Unknown order sent."


def from_api_error(exc: BinanceAPIException, *, mutating: bool) -> ExchangeError:
    """Return the typed error for a non-2xx answer (429/418 are handled by the caller first)."""
    status, code, msg = int(exc.status_code), int(exc.code or 0), str(exc.message or "")
    if status >= 500 or code in UNKNOWN_OUTCOME_CODES:
        detail = f"HTTP {status}" + (f" code {code}" if code else "")
        if mutating:
            return ExecutionUnknown(detail, http_status=status, code=code or None)
        return ExchangeUnavailable(detail, http_status=status)
    if code == 0:
        # No Binance body (WAF 403, proxy 4xx): refused before the API saw it.
        return ExchangeUnavailable(f"HTTP {status} without a Binance error body", http_status=status)
    if code == -2013 or (code == -2011 and msg == UNKNOWN_ORDER_MSG):
        return OrderNotFound(code, msg, status)
    return ExchangeRejected(code, msg, status)


def from_bad_body(exc: BinanceRequestException, *, mutating: bool) -> ExchangeError:
    """Return the error for a 2xx whose body is not JSON: the request went through."""
    if mutating:
        return ExecutionUnknown("2xx response with an unreadable body", http_status=200)
    return ExchangeUnavailable("2xx response with an unreadable body", http_status=200)


def from_transport_error(exc: BaseException, *, mutating: bool) -> ExchangeError:
    """Return the error for a timeout or connection failure (no HTTP status)."""
    name = type(exc).__name__
    if never_sent(exc):
        return ExchangeUnavailable(f"could not connect ({name})")
    if mutating:
        return ExecutionUnknown(f"no response ({name})")
    return ExchangeUnavailable(f"no response ({name})")


def never_sent(exc: BaseException) -> bool:
    """Return True when the connection failed before any byte of the request was sent."""
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return True
    if not isinstance(exc, requests.exceptions.ConnectionError):
        return False
    reason = exc.args[0] if exc.args else None
    if isinstance(reason, MaxRetryError):
        reason = reason.reason
    return isinstance(reason, (NewConnectionError, NameResolutionError, ConnectTimeoutError))


def is_transport_error(exc: BaseException) -> bool:
    """Return True for the transport failures python-binance lets through unwrapped (facts §9)."""
    return isinstance(exc, (requests.exceptions.RequestException, OSError, TimeoutError))


def rejected_from_body(body: object, status: int = 400) -> ExchangeRejected:
    """Return the rejection for a `{"code","msg"}` body (cancel-replace halves); -1000 if malformed."""
    if isinstance(body, dict) and isinstance(body.get("code"), int):
        code, msg = int(body["code"]), str(body.get("msg", ""))
        if code == -2013 or (code == -2011 and msg == UNKNOWN_ORDER_MSG):
            return OrderNotFound(code, msg, status)
        return ExchangeRejected(code, msg, status)
    return ExchangeRejected(-1000, "unreadable error body", status)
