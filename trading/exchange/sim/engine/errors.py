"""Binance-style API errors raised by the simulator engine (facts §0, §5).

Every rejection the engine produces is a `BinanceApiError` carrying Binance's exact code and
message, so the REST/WS server can render `{"code", "msg"}` with the right HTTP status.
"""
from __future__ import annotations

from typing import Any

CLIENT_ID_PATTERN = "^[a-zA-Z0-9-_]{1,36}$"
DECIMAL_PATTERN = r"^([0-9]{1,20})(\.[0-9]{1,20})?$"
INTEGER_PATTERN = "^[0-9]{1,20}$"


class Msg:
    """Matching-engine messages (Binance errors.md, "Messages for -1010, -2010 and -2011")."""

    UNKNOWN_ORDER = "Unknown order sent."
    DUPLICATE_ORDER = "Duplicate order sent."
    MARKET_CLOSED = "Market is closed."
    INSUFFICIENT_BALANCE = "Account has insufficient balance for requested action."
    WOULD_TRIGGER = "Order would trigger immediately."
    WOULD_TAKE = "Order would immediately match and take."
    OCO_PRICES = "The relationship of the prices for the orders is not correct."
    CANCEL_RESTRICTIONS = "Order was not canceled due to cancel restrictions."
    NO_LIQUIDITY = "Order book liquidity is less than symbol minimum quantity."
    ICEBERG_EXCEEDS_QTY = "IcebergQty exceeds QTY."
    UNSUPPORTED_COMBINATION = "Unsupported order combination"
    NO_SUCH_ORDER = "Order does not exist."
    NO_SUCH_LIST = "Order list does not exist."
    CR_PARTIAL = "Order cancel-replace partially failed."
    CR_FAILED = "Order cancel-replace failed."


class BinanceApiError(Exception):
    """A rejection rendered by the server as `{"code", "msg"[, "data"]}` with `http_status`."""

    def __init__(
        self, code: int, msg: str, http_status: int = 400, data: dict[str, Any] | None = None
    ) -> None:
        super().__init__(f"{code}: {msg}")
        self.code = code
        self.msg = msg
        self.http_status = http_status
        self.data = data

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON body Binance sends for this error."""
        body: dict[str, Any] = {"code": self.code, "msg": self.msg}
        if self.data is not None:
            body["data"] = self.data
        return body


def mandatory(name: str) -> BinanceApiError:
    """Return -1102 for a missing mandatory parameter."""
    return BinanceApiError(
        -1102, f"Mandatory parameter '{name}' was not sent, was empty/null, or malformed."
    )


def either_param(first: str, second: str) -> BinanceApiError:
    """Return -1102 for a pair of parameters of which one must be sent (facts §2.2 GET /order)."""
    return BinanceApiError(
        -1102, f"Param '{first}' or '{second}' must be sent, but both were empty/null!"
    )


def illegal_chars(name: str, pattern: str) -> BinanceApiError:
    """Return -1100 naming the parameter and its legal pattern (facts §2.2 [obs])."""
    return BinanceApiError(
        -1100, f"Illegal characters found in parameter '{name}'; legal range is '{pattern}'."
    )


def not_required(name: str) -> BinanceApiError:
    """Return -1106 for a parameter the order type does not take."""
    return BinanceApiError(-1106, f"Parameter '{name}' sent when not required.")


def too_much_precision(name: str) -> BinanceApiError:
    """Return -1111 for a decimal with more places than the asset allows."""
    return BinanceApiError(-1111, f"Parameter '{name}' has too much precision.")


def unread_params(read: int, sent: int) -> BinanceApiError:
    """Return -1104 for parameters the endpoint does not know (facts §2.2 [obs])."""
    return BinanceApiError(
        -1104, f"Not all sent parameters were read; read '{read}' parameter(s) but was sent '{sent}'."
    )


def invalid_value(name: str) -> BinanceApiError:
    """Return -1130 for a well-formed but unacceptable value."""
    return BinanceApiError(-1130, f"Data sent for parameter '{name}' is not valid.")


def invalid_symbol() -> BinanceApiError:
    """Return -1121 for an unknown symbol."""
    return BinanceApiError(-1121, "Invalid symbol.")


def filter_failure(name: str) -> BinanceApiError:
    """Return -1013 for a static filter (facts §3)."""
    return BinanceApiError(-1013, f"Filter failure: {name}")


def account_filter_failure(name: str) -> BinanceApiError:
    """Return -2010 for an account-state filter: the engine, not the API, rejects (facts §3 [obs])."""
    return BinanceApiError(-2010, f"Filter failure: {name}")


def not_supported(msg: str) -> BinanceApiError:
    """Return -1013 for a feature the symbol disables.

    Binance's errors.md lists these among -2010 texts, but a live body was observed as -1013
    ("Take profit orders are not supported for this symbol.", errors/observed_error_bodies.json).
    """
    return BinanceApiError(-1013, msg)


def rejected(msg: str) -> BinanceApiError:
    """Return -2010 NEW_ORDER_REJECTED with a matching-engine message."""
    return BinanceApiError(-2010, msg)


def cancel_rejected(msg: str = Msg.UNKNOWN_ORDER) -> BinanceApiError:
    """Return -2011 CANCEL_REJECTED."""
    return BinanceApiError(-2011, msg)


def no_such_order(msg: str = Msg.NO_SUCH_ORDER) -> BinanceApiError:
    """Return -2013 for a query of an unknown order."""
    return BinanceApiError(-2013, msg)
