"""GET /api/orders?limit=N: 1..500, default 100, newest first, 400 with a clear message otherwise."""
from __future__ import annotations

from typing import Any

import pytest

from dashboard.schema import OrdersResponse
from tests.integration.dashboard import cast

pytestmark = pytest.mark.django_db


def orders(client: Any, query: str = "") -> dict[str, Any]:
    response = client.get("/api/orders" + query)
    assert response.status_code == 200, response.content
    OrdersResponse.model_validate_json(response.content, strict=True)
    return response.json()  # type: ignore[no-any-return]


def test_it_returns_the_100_latest_orders_by_default(client: Any, filled: cast.Cast) -> None:
    body = orders(client)
    assert body["limit"] == 100 and len(body["orders"]) == 100  # 130 in the cast
    ts = [o["ts_ms"] for o in body["orders"]]
    assert ts == sorted(ts, reverse=True) and ts[0] == filled.now_ms


@pytest.mark.parametrize(("limit", "count"), [("1", 1), ("7", 7), ("500", 130), ("0130", 130)])
def test_it_honours_limit_bounds(client: Any, filled: cast.Cast, limit: str, count: int) -> None:
    assert len(orders(client, f"?limit={limit}")["orders"]) == count


def test_order_rows_encode_missing_values(client: Any, filled: cast.Cast) -> None:
    rows = orders(client, "?limit=4")["orders"]
    market = next(o for o in rows if o["order_type"] == "MARKET")
    assert market["price"] == "" and market["order_list_id"] == -1
    assert rows[0]["price"] == "100.5" and rows[0]["order_list_id"] == 77 and rows[0]["orig_qty"] == "0.1"


@pytest.mark.parametrize("bad", ["0", "501", "-1", "abc", "1.5", "", "1e2", "+5", " 5", "١٢"])
def test_a_bad_limit_gets_400_with_a_clear_message(client: Any, db: None, bad: str) -> None:
    response = client.get("/api/orders", {"limit": bad})
    assert response.status_code == 400
    assert response.json()["error"].startswith("limit must be an integer from 1 to 500")


def test_limit_given_twice_is_refused(client: Any, db: None) -> None:
    response = client.get("/api/orders?limit=1&limit=2")
    assert response.status_code == 400 and "once" in response.json()["error"]


def test_health_is_cheap_and_touches_no_database(client: Any, db: None, django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(0):
        response = client.get("/health")
    assert response.status_code == 200 and response.json()["status"] == "ok"
