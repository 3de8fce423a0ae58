"""The REST pipeline: limits, faults, auth, engine, response headers (facts §1, §5, §10.2–4, §10.13).

Order of checks for one call:
1. read parameters (query wins over body) and charge the IP's request weight (429/418);
2. pre-execution faults: plain 5xx or a Binance rejection, nothing executed;
3. SIGNED: API key (-2014/-2015), signature (-1022), timestamp on receipt (-1021);
4. added latency, then the timestamp again "before the engine" (facts §1);
5. the ORDERS limits for order-placing calls (-1015), then the handler;
6. post-execution faults: the result is withheld (dropped connection, 503 or -1007);
7. the response, with X-MBX-USED-WEIGHT-1M and, for new orders, X-MBX-ORDER-COUNT-10S/1D.
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from aiohttp import web

from trading.exchange.sim.engine import BinanceApiError

from .endpoints import ALL, RETIRED, Endpoint
from .faults import HttpFault, HttpFaultKind, Withhold
from .limits import LimitError
from .state import SimState
from .wire import WireRequest, error_response, json_response, read_request

log = logging.getLogger(__name__)

_HTML_5XX = "<html><head><title>{status}</title></head><body><center><h1>{status}</h1></center></body></html>"
_BACKEND_TIMEOUT = BinanceApiError(
    -1007, "Timeout waiting for response from backend server. Send status unknown; execution status unknown.", 503)


def add_routes(app: web.Application, state: SimState) -> None:
    """Register every REST endpoint of the table, plus 410 for the retired listenKey paths."""
    for endpoint in ALL:
        app.router.add_route(endpoint.method, endpoint.path, _handler(state, endpoint))
    for path in RETIRED:
        app.router.add_route("*", path, _gone)


def _handler(state: SimState, endpoint: Endpoint) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    async def handle(request: web.Request) -> web.StreamResponse:
        return await serve(state, endpoint, request)
    return handle


async def _gone(request: web.Request) -> web.StreamResponse:
    return web.Response(status=410, text="Gone")


async def serve(state: SimState, endpoint: Endpoint, request: web.Request) -> web.StreamResponse:
    """Run one REST call through the pipeline in the module docstring and return its response."""
    ip = request.remote or "127.0.0.1"
    executed = False
    try:
        wire = await read_request(request)
        weight = endpoint.weight(wire.params)
        state.limiter.charge(ip, weight)
        pre = state.faults.take(request.method, request.path, (HttpFaultKind.FAIL, HttpFaultKind.REJECT))
        if pre is not None:
            return _pre_fault(pre, _headers(state, ip, endpoint))
        if endpoint.signed:
            _check_signed(state, wire)
        delay = state.faults.latency_s()
        if delay:
            await asyncio.sleep(delay)
            if endpoint.signed:
                state.auth.check_timestamp(wire.params)
        if endpoint.new_orders:
            state.limiter.admit_orders(endpoint.new_orders)
        executed = True
        body = _execute(state, endpoint, wire)
        if endpoint.free_on_success:
            state.limiter.refund(ip, weight)
        response: web.StreamResponse = json_response(body, headers=_headers(state, ip, endpoint))
    except LimitError as err:
        headers = _headers(state, ip, endpoint)
        headers["Retry-After"] = str(err.retry_after)
        response = error_response(err, headers)
    except BinanceApiError as err:
        response = error_response(err, _headers(state, ip, endpoint))
    except Exception:  # a simulator bug must look like Binance's -1000, not kill the connection
        log.exception("simulator failed on %s %s", request.method, request.path)
        response = error_response(BinanceApiError(-1000, "An unknown error occurred while processing the request.",
                                                   500), _headers(state, ip, endpoint))
    if executed:
        post = state.faults.take(request.method, request.path, (HttpFaultKind.TIMEOUT_AFTER_EXEC,))
        if post is not None:
            return await _withhold(post, request, _headers(state, ip, endpoint))
    return response


def _check_signed(state: SimState, wire: WireRequest) -> None:
    state.auth.check_key(wire.api_key)
    state.auth.check_signature(wire.total_params, wire.signature)
    state.auth.check_timestamp(wire.params)


def _execute(state: SimState, endpoint: Endpoint, wire: WireRequest) -> object:
    # New orders count before the engine runs: a fill during the call takes its order back off
    # the unfilled count (facts §5); a rejected order never counted.
    orders = endpoint.new_orders
    if orders:
        state.limiter.count_orders(orders)
    try:
        return endpoint.handler(state, wire.params)
    except BinanceApiError:
        if orders:
            state.limiter.count_orders(-orders)
        raise


def _headers(state: SimState, ip: str, endpoint: Endpoint) -> dict[str, str]:
    headers = {"X-MBX-USED-WEIGHT-1M": str(state.limiter.used_weight(ip))}
    if endpoint.new_orders:
        ten_s, day = state.limiter.order_counts()
        headers["X-MBX-ORDER-COUNT-10S"] = str(ten_s)
        headers["X-MBX-ORDER-COUNT-1D"] = str(day)
    return headers


def _pre_fault(rule: HttpFault, headers: dict[str, str]) -> web.StreamResponse:
    if rule.kind is HttpFaultKind.REJECT:
        if rule.retry_after_s is not None:
            headers["Retry-After"] = str(rule.retry_after_s)
        return error_response(BinanceApiError(rule.code, rule.msg, rule.status), headers)
    return _html(rule.status, headers)


async def _withhold(rule: HttpFault, request: web.Request, headers: dict[str, str]) -> web.StreamResponse:
    """Keep the executed call's result from the client, as a lost response would."""
    if rule.hold_ms:
        await asyncio.sleep(rule.hold_ms / 1000)
    if rule.withhold is Withhold.HTTP_503:
        return _html(503, headers)
    if rule.withhold is Withhold.TIMEOUT_1007:
        return error_response(_BACKEND_TIMEOUT, headers)
    transport = request.transport
    if transport is not None:
        transport.abort()  # the client sees the connection die with no response
    return web.Response(status=503)  # never written: the transport is gone


def _html(status: int, headers: dict[str, str]) -> web.Response:
    reason = {500: "500 Internal Server Error", 502: "502 Bad Gateway", 503: "503 Service Unavailable",
              504: "504 Gateway Time-out"}.get(status, str(status))
    return web.Response(text=_HTML_5XX.format(status=reason), status=status, content_type="text/html",
                        headers=headers)
