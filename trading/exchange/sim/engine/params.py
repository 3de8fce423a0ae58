"""Request parameters as Binance's API layer reads them: strings in, typed values or -11xx out."""
from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from enum import StrEnum
from typing import TypeVar

from . import errors
from .errors import CLIENT_ID_PATTERN, DECIMAL_PATTERN, INTEGER_PATTERN, BinanceApiError

E = TypeVar("E", bound=StrEnum)

_DECIMAL_RE = re.compile(DECIMAL_PATTERN)
_INTEGER_RE = re.compile(INTEGER_PATTERN)
_CLIENT_ID_RE = re.compile(CLIENT_ID_PATTERN)
# Signing and transport params are the server's business; the engine counts them as read.
TRANSPORT_PARAMS = frozenset({"timestamp", "recvWindow", "signature", "apiKey"})


class Params:
    """A read-tracking view of one request's parameters.

    Binance answers -1104 when a request carries parameters the endpoint never read, so every
    accessor marks its name as read and `finish()` checks the rest.
    """

    def __init__(self, raw: Mapping[str, object]) -> None:
        self._raw = {k: str(v) for k, v in raw.items() if v is not None and str(v) != ""}
        self._read: set[str] = set()

    def has(self, name: str) -> bool:
        """Return True when `name` was sent non-empty."""
        return name in self._raw

    def text(self, name: str, *, required: bool = False) -> str | None:
        """Return the raw string, None when absent; -1102 when required and absent."""
        self._read.add(name)
        value = self._raw.get(name)
        if value is None and required:
            raise errors.mandatory(name)
        return value

    def decimal(self, name: str, *, required: bool = False, places: int | None = None) -> Decimal | None:
        """Return a Decimal; -1100 when malformed, -1111 when more than `places` decimals."""
        raw = self.text(name, required=required)
        if raw is None:
            return None
        if not _DECIMAL_RE.match(raw):
            raise errors.illegal_chars(name, DECIMAL_PATTERN)
        if places is not None and len(raw.split(".", 1)[-1] if "." in raw else "") > places:
            raise errors.too_much_precision(name)
        return Decimal(raw)

    def integer(self, name: str, *, required: bool = False) -> int | None:
        """Return a non-negative int; -1100 when malformed."""
        raw = self.text(name, required=required)
        if raw is None:
            return None
        if not _INTEGER_RE.match(raw):
            raise errors.illegal_chars(name, INTEGER_PATTERN)
        return int(raw)

    def signed_integer(self, name: str) -> int | None:
        """Return an int that may be negative (ids such as orderListId=-1); -1100 when malformed."""
        raw = self.text(name)
        if raw is None:
            return None
        if not re.fullmatch(r"-?[0-9]{1,20}", raw):
            raise errors.illegal_chars(name, INTEGER_PATTERN)
        return int(raw)

    def enum(self, name: str, cls: type[E], *, required: bool = False,
             error: tuple[int, str] | None = None) -> E | None:
        """Return the enum member; `error` (code, message; default -1130) when the value is not one."""
        raw = self.text(name, required=required)
        if raw is None:
            return None
        try:
            return cls(raw)
        except ValueError:
            raise (BinanceApiError(*error) if error else errors.invalid_value(name)) from None

    def required_enum(self, name: str, cls: type[E], error: tuple[int, str] | None = None) -> E:
        """Return the enum member of a mandatory parameter; -1102 when absent, `error` when invalid."""
        value = self.enum(name, cls, required=True, error=error)
        assert value is not None  # required=True raised otherwise
        return value

    def client_id(self, name: str) -> str | None:
        """Return a client order id; -1100 when it breaks Binance's id regex (facts §2.2)."""
        raw = self.text(name)
        if raw is not None and not _CLIENT_ID_RE.match(raw):
            raise errors.illegal_chars(name, CLIENT_ID_PATTERN)
        return raw

    def forbid(self, *names: str) -> None:
        """Raise -1106 for the first of `names` that was sent."""
        for name in names:
            if name in self._raw:
                raise errors.not_required(name)

    def finish(self) -> None:
        """Raise -1104 when some sent parameter was never read."""
        sent = set(self._raw)
        read = sent & (self._read | TRANSPORT_PARAMS)
        if read != sent:
            raise errors.unread_params(len(read), len(sent))
