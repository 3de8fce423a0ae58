"""Binance error bodies and transport failures -> typed errors that say "may have executed"."""
from __future__ import annotations

import json
from typing import Any

import pytest
import requests
from binance.exceptions import BinanceAPIException, BinanceRequestException
from urllib3.exceptions import MaxRetryError, NewConnectionError, ProtocolError

from trading.domain.catalog.reasons import ReasonCode
from trading.domain.ports import ExchangeRejected, ExchangeUnavailable, ExecutionUnknown, OrderNotFound
from trading.exchange.adapter.errors import (
    UNKNOWN_OUTCOME_CODES,
    from_api_error,
    from_bad_body,
    from_transport_error,
    rejected_from_body,
)

from .helpers import load


class FakeResponse:
    """Just what BinanceAPIException reads from a requests.Response."""

    def __init__(self, status: int, text: str) -> None:
        self.status_code, self.text = status, text
        self.headers: dict[str, str] = {}


def api_error(status: int, body: Any) -> BinanceAPIException:
    text = body if isinstance(body, str) else json.dumps(body)
    return BinanceAPIException(FakeResponse(status, text), status, text)


OBSERVED = load("errors/observed_error_bodies.json")["errors"]


@pytest.mark.parametrize("case", OBSERVED, ids=[f"{c['body']['code']}" for c in OBSERVED])
def test_observed_error_bodies_are_rejections(case: dict[str, Any]) -> None:
    body = case["body"]
    status = 401 if body["code"] == -2015 else 400
    err = from_api_error(api_error(status, body), mutating=True)
    assert isinstance(err, ExchangeRejected) and not err.may_have_executed
    assert (err.code, err.msg, err.http_status) == (body["code"], body["msg"], status)
    if body["code"] in (-2013,) or body["msg"] == "Unknown order sent.":
        assert isinstance(err, OrderNotFound)


def test_rejections_carry_reasons_the_bot_acts_on() -> None:
    insufficient = from_api_error(api_error(400, OBSERVED[0]["body"]), mutating=True)
    assert insufficient.reason is ReasonCode.INSUFFICIENT_BALANCE
    dup = from_api_error(api_error(400, {"code": -2010, "msg": "Duplicate order sent."}), mutating=True)
    assert isinstance(dup, ExchangeRejected) and dup.is_duplicate
    closed = from_api_error(api_error(400, {"code": -2010, "msg": "Market is closed."}), mutating=True)
    assert closed.reason is ReasonCode.SYMBOL_NOT_TRADING


FILTERS = load("docs-examples/rest/docs_error_codes.json")["filter_failures_code_-1013"]


@pytest.mark.parametrize("case", FILTERS, ids=[c["msg"].split(": ")[-1] for c in FILTERS])
def test_every_documented_filter_failure_names_its_filter(case: dict[str, Any]) -> None:
    err = from_api_error(api_error(400, {"code": case["code"], "msg": case["msg"]}), mutating=True)
    assert isinstance(err, ExchangeRejected) and err.filter_name == case["msg"].removeprefix("Filter failure: ")


CODES = load("docs-examples/rest/docs_error_codes.json")["codes"]


@pytest.mark.parametrize("case", CODES, ids=[str(c["code"]) for c in CODES])
def test_every_documented_code_says_whether_an_order_may_exist(case: dict[str, Any]) -> None:
    body = {"code": case["code"], "msg": case["messages"][0] if case["messages"] else ""}
    err = from_api_error(api_error(400, body), mutating=True)
    assert err.may_have_executed == (case["code"] in UNKNOWN_OUTCOME_CODES)
    read = from_api_error(api_error(400, body), mutating=False)
    assert not read.may_have_executed


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_a_gateway_5xx_is_unknown_for_orders_and_unavailable_for_reads(status: int) -> None:
    html = "<html><body><h1>503 Service Unavailable</h1></body></html>"
    order = from_api_error(api_error(status, html), mutating=True)
    assert isinstance(order, ExecutionUnknown) and order.http_status == status
    assert order.reason is ReasonCode.EXCHANGE_5XX
    read = from_api_error(api_error(status, html), mutating=False)
    assert isinstance(read, ExchangeUnavailable) and not read.may_have_executed


def test_a_waf_403_without_a_binance_body_was_never_executed() -> None:
    err = from_api_error(api_error(403, "<html>Forbidden</html>"), mutating=True)
    assert isinstance(err, ExchangeUnavailable) and not err.may_have_executed


def test_a_2xx_with_an_unreadable_body_went_through() -> None:
    assert from_bad_body(BinanceRequestException("Invalid Response: <html>"), mutating=True).may_have_executed


SIGNED_URL = "http://127.0.0.1:1/api/v3/order?timestamp=1&signature=deadbeef"


def test_a_connection_that_never_opened_sent_nothing() -> None:
    refused = requests.exceptions.ConnectionError(
        MaxRetryError(None, SIGNED_URL, NewConnectionError(None, "Connection refused")))  # type: ignore[arg-type]
    err = from_transport_error(refused, mutating=True)
    assert isinstance(err, ExchangeUnavailable) and not err.may_have_executed
    assert isinstance(from_transport_error(requests.exceptions.ConnectTimeout(SIGNED_URL), mutating=True),
                      ExchangeUnavailable)


@pytest.mark.parametrize("exc", [requests.exceptions.ReadTimeout(SIGNED_URL),
                                 requests.exceptions.ConnectionError(ProtocolError("Connection aborted.")),
                                 requests.exceptions.ChunkedEncodingError(SIGNED_URL)])
def test_a_lost_response_is_unknown_and_never_quotes_the_signed_url(exc: Exception) -> None:
    err = from_transport_error(exc, mutating=True)
    assert isinstance(err, ExecutionUnknown) and err.reason is ReasonCode.EXCHANGE_UNREACHABLE
    assert "signature" not in str(err) and "deadbeef" not in repr(err)
    assert isinstance(from_transport_error(exc, mutating=False), ExchangeUnavailable)


def test_cancel_replace_halves_are_rejections() -> None:
    assert isinstance(rejected_from_body({"code": -2011, "msg": "Unknown order sent."}), OrderNotFound)
    assert rejected_from_body({"code": -2010, "msg": "Order would trigger immediately."}).code == -2010
    assert rejected_from_body(None).code == -1000
