"""HTTP wire format: parameters as Binance reads them, and JSON bodies as Binance writes them.

Facts §0: GET parameters come in the query; POST/PUT/DELETE in the query and/or a form body,
the query winning on duplicates. Facts §1: the HMAC covers the raw query string followed by
the raw body, exactly as sent, without the `signature` parameter.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web

from trading.exchange.sim.engine import BinanceApiError

JSON_TYPE = "application/json"  # python-binance's AsyncClient refuses bodies without it (facts §9)


@dataclass
class WireRequest:
    """One REST call as the API layer sees it."""

    method: str
    path: str
    params: dict[str, str]
    total_params: str  # raw query + raw body, `signature` removed, for the HMAC
    signature: str | None
    api_key: str | None
    ip: str
    headers: dict[str, str] = field(default_factory=dict)


async def read_request(request: web.Request) -> WireRequest:
    """Return the parameters of `request`; -1101 when one source repeats a parameter."""
    raw_query = request.raw_path.partition("?")[2]
    raw_body = ""
    if request.method in ("POST", "PUT", "DELETE") and request.can_read_body:
        raw_body = (await request.read()).decode("utf-8", errors="replace")
    params = _parse(raw_body)
    params.update(_parse(raw_query))  # the query wins (facts §0)
    signature = params.pop("signature", None)
    total = _without_signature(raw_query) + _without_signature(raw_body)
    return WireRequest(method=request.method, path=request.path, params=params, total_params=total,
                       signature=signature, api_key=request.headers.get("X-MBX-APIKEY"),
                       ip=request.remote or "127.0.0.1")


def _parse(raw: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in parse_qsl(raw, keep_blank_values=True):
        if key in out:
            raise BinanceApiError(-1101, "Duplicate values for a parameter detected.")
        out[key] = value
    return out


def _without_signature(raw: str) -> str:
    return "&".join(part for part in raw.split("&") if part and not part.startswith("signature="))


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    """Return a compact JSON response with Binance's content type."""
    return web.Response(text=json.dumps(body, separators=(",", ":")), status=status,
                        content_type=JSON_TYPE, headers=headers)


def error_response(err: BinanceApiError, headers: dict[str, str] | None = None) -> web.Response:
    """Return `{"code","msg"}` with the error's HTTP status (facts §0)."""
    return json_response(err.to_dict(), status=err.http_status, headers=headers)
