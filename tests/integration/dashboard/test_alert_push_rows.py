"""A pushed alert dict becomes a valid AlertAggregateRow, coerced like a database row."""
from __future__ import annotations

from dashboard.alert_push import PushedAlerts, row_from_push
from dashboard.schema import AlertAggregateRow


def test_a_pushed_alert_is_coerced_into_an_aggregate_row() -> None:
    row = row_from_push({"reason_code": "RATE_LIMIT_429", "severity": "LOUD", "stage": "NOPE",
                         "cycle_id": "c\u00e9-1", "count": 2**70, "summary": "x"}, now_ms=1234)
    assert row is not None
    AlertAggregateRow.model_validate(row, strict=True)
    assert (row["severity"], row["stage"], row["first_ts_ms"], row["last_ts_ms"]) == ("WARN", "BOOT", 1234, 1234)
    assert row["count"] == 2**63 - 1 and row["cycle_id"].isascii()


def test_non_catalog_or_malformed_pushes_give_nothing() -> None:
    assert row_from_push({"reason_code": "NOT_A_CODE", "severity": "CRIT"}, now_ms=1) is None
    assert row_from_push(["RATE_LIMIT_429"], now_ms=1) is None


def test_a_stream_remembers_what_it_was_pushed_for_a_while() -> None:
    pushed = PushedAlerts(window_s=60)
    row = {"reason_code": "RATE_LIMIT_429", "severity": "WARN"}
    assert not pushed.already_sent(row)
    pushed.note(row)
    assert pushed.already_sent(row) and not pushed.already_sent({**row, "severity": "CRIT"})
    expired = PushedAlerts(window_s=0)
    expired.note(row)
    assert not expired.already_sent(row)
