"""The Django admin: every table browsable, audit rows never editable, LIVE strictly view-only."""
from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import User
from django.db import connection, models, transaction
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.envelope import AppendOnlyError, AppendOnlyModel
from audit.models import AuditEvent, WriterCheckpoint
from livespot_site.admin_filters import DAY_MS, now_ms
from tests.support.factories import (
    RUN_ID,
    AuditEventFactory,
    OrderFactory,
    OrderIntentFactory,
    WriterCheckpointFactory,
    make_row,
)
from trading.models import ControlCommand, Fill, Order, OrderIntent

pytestmark = pytest.mark.django_db

OUR_APPS = ("audit", "trading", "aigate")
MODELS = sorted(admin.site._registry, key=lambda m: m._meta.label)
OUR_MODELS = [m for m in MODELS if m._meta.app_label in OUR_APPS]
APPEND_ONLY = [m for m in MODELS if issubclass(m, AppendOnlyModel)]
# Everything of ours is view-only in every mode, except adding a control command outside LIVE.
VIEW_ONLY = [m for m in OUR_MODELS if m is not ControlCommand]


def _ids(models_: list[type[models.Model]]) -> list[str]:
    return [m._meta.label for m in models_]


def url(model: type[models.Model], view: str, *args: Any) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def dump(model: type[models.Model]) -> list[dict[str, Any]]:
    return list(model._default_manager.order_by("pk").values())


def listed(client: Any, model: type[models.Model], **query: Any) -> set[Any]:
    response = client.get(url(model, "changelist"), query)
    assert response.status_code == 200, response.status_code
    return {obj.pk for obj in response.context["cl"].result_list}


@pytest.fixture(autouse=True)
def fast_password_hasher(settings: Any) -> None:
    # admin_user is created per test; the default PBKDF2 would cost ~1 s each time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def row_of(admin_user: User) -> Any:
    def build(model: type[models.Model]) -> models.Model:
        return admin_user if model is User else make_row(model)

    return build


def test_every_livespot_model_is_registered() -> None:
    ours = {m for label in OUR_APPS for m in apps.get_app_config(label).get_models()}
    assert ours <= set(MODELS)
    assert {"trading.OrderIntent", "aigate.AIGateEvent", "audit.AuditEvent"} <= set(_ids(MODELS))


def test_append_only_tables_are_exactly_the_evidence_tables() -> None:
    state_tables = {"trading.OrderIntent", "trading.Order", "trading.Position", "trading.Heartbeat",
                    "trading.ControlCommand", "audit.WriterCheckpoint"}
    assert set(_ids(OUR_MODELS)) - set(_ids(APPEND_ONLY)) == state_tables


@pytest.mark.parametrize("model", MODELS, ids=_ids(MODELS))
def test_changelist_and_change_page_render_in_paper(admin_client: Any, row_of: Any, model: Any) -> None:
    row = row_of(model)
    response = admin_client.get(url(model, "changelist"))
    assert response.status_code == 200
    assert url(model, "change", row.pk).encode() in response.content
    assert admin_client.get(url(model, "change", row.pk)).status_code == 200


@pytest.mark.parametrize("model", OUR_MODELS, ids=_ids(OUR_MODELS))
def test_changelist_queries_do_not_grow_with_rows(admin_client: Any, model: Any) -> None:
    make_row(model)
    with CaptureQueriesContext(connection) as one:
        admin_client.get(url(model, "changelist"))
    for _ in range(4):
        make_row(model)
    with CaptureQueriesContext(connection) as five:
        admin_client.get(url(model, "changelist"))
    assert len(five) == len(one)


def test_decimal_columns_are_not_sortable(admin_user: User) -> None:
    # Decimals are stored as text, which the database would sort as text ("10" < "9").
    request = RequestFactory().get("/")
    request.user = admin_user
    sortable = admin.site._registry[Fill].get_sortable_by(request)
    assert "price" not in sortable and "qty" not in sortable and "trade_id" in sortable


@pytest.mark.parametrize("model", VIEW_ONLY, ids=_ids(VIEW_ONLY))
def test_view_only_models_refuse_add_change_delete_in_paper(admin_client: Any, model: Any) -> None:
    row = make_row(model)
    before = dump(model)
    changelist = admin_client.get(url(model, "changelist"))
    assert b'name="action"' not in changelist.content
    assert url(model, "add").encode() not in changelist.content
    assert admin_client.get(url(model, "add")).status_code == 403
    assert admin_client.post(url(model, "add"), {}).status_code == 403
    assert admin_client.post(url(model, "change", row.pk), {}).status_code == 403
    assert admin_client.get(url(model, "delete", row.pk)).status_code == 403
    assert admin_client.post(url(model, "delete", row.pk), {"post": "yes"}).status_code == 403
    assert dump(model) == before


def test_admin_adds_a_control_command_outside_live(admin_client: Any) -> None:
    response = admin_client.post(url(ControlCommand, "add"), {"command": "PAUSE", "operator_note": "lunch"})
    assert response.status_code == 302
    command = ControlCommand.objects.get()
    assert (command.command, command.source, command.mode, command.requested_by) == ("PAUSE", "ADMIN", "PAPER", "admin")
    assert command.applied_ts_ms is None and command.requested_ts_ms > 0
    assert admin_client.post(url(ControlCommand, "change", command.pk), {}).status_code == 403


def test_time_filter_selects_recent_windows_and_utc_days(admin_client: Any) -> None:
    now = now_ms()
    recent = AuditEventFactory(ts_ms=now - 60_000)
    hour_old = AuditEventFactory(ts_ms=now - 2 * 3_600_000)
    old = AuditEventFactory(ts_ms=now - 3 * DAY_MS)
    old_day = datetime.fromtimestamp(old.ts_ms / 1000, tz=UTC).date().isoformat()

    assert listed(admin_client, AuditEvent, ts="15m") == {recent.pk}
    assert listed(admin_client, AuditEvent, ts="24h") == {recent.pk, hour_old.pk}
    assert listed(admin_client, AuditEvent, ts="7d") == {recent.pk, hour_old.pk, old.pk}
    assert listed(admin_client, AuditEvent, ts=f"d{old_day}") == {old.pk}
    page = admin_client.get(url(AuditEvent, "changelist")).content.decode()
    assert "Last 15 min" in page and f"?ts=d{old_day}" in page
    assert "e=1" in admin_client.get(url(AuditEvent, "changelist"), {"ts": "bogus"}).url


def test_symbol_and_choice_filters(admin_client: Any) -> None:
    btc = AuditEventFactory(symbol="BTCUSDT", event_type="ORDER_SUBMIT")
    eth = AuditEventFactory(symbol="ETHUSDT", event_type="FILL")
    assert listed(admin_client, AuditEvent, symbol="ETHUSDT") == {eth.pk}
    assert listed(admin_client, AuditEvent, event_type__exact="ORDER_SUBMIT") == {btc.pk}
    assert b"?symbol=ETHUSDT" in admin_client.get(url(AuditEvent, "changelist")).content
    intent = OrderIntentFactory(state="SENT_UNKNOWN")
    OrderIntentFactory(state="CONFIRMED")
    assert listed(admin_client, OrderIntent, state__exact="SENT_UNKNOWN", ts="1h") == {intent.pk}


def test_search_matches_ids_exactly(admin_client: Any) -> None:
    event, other = AuditEventFactory(), AuditEventFactory()
    assert listed(admin_client, AuditEvent, q=event.decision_id) == {event.pk}
    assert listed(admin_client, AuditEvent, q=event.cycle_id) == {event.pk}
    assert listed(admin_client, AuditEvent, q=RUN_ID) == {event.pk, other.pk}
    assert listed(admin_client, AuditEvent, q=event.decision_id[:-1]) == set()
    assert listed(admin_client, AuditEvent, q=event.decision_id.upper()) == set()
    order = OrderFactory()
    assert listed(admin_client, Order, q=str(order.exchange_order_id)) == {order.pk}
    assert listed(admin_client, Order, q=order.client_order_id) == {order.pk}
    intent = OrderIntentFactory()
    assert listed(admin_client, OrderIntent, q=intent.client_order_id) == {intent.pk}
    assert listed(admin_client, OrderIntent, q=f"{intent.order_intent_id} {intent.decision_id}") == {intent.pk}
    assert listed(admin_client, OrderIntent, q=f'"{intent.order_intent_id}"') == {intent.pk}
    # A term of no known id shape is still searched (test and manual ids exist).
    checkpoint = WriterCheckpointFactory(run_id="r-test-1")
    assert listed(admin_client, WriterCheckpoint, q="r-test-1") == {checkpoint.pk}


SHAPED_TERMS = {
    "decision_id": "d-" + "1" * 32, "order_intent_id": "oi-" + "2" * 32, "run_id": RUN_ID,
    "cycle_id": RUN_ID + "-c7", "client_order_id": "ls" + "3" * 28, "exchange_order_id": "123456",
    "snapshot_id": "s-00000001",
}
# Searches that still scan their whole table: audit tables index only what the writer's
# throughput allows (see audit/models.py). Shrink this list; never grow it silently.
KNOWN_SCANS = {
    ("audit.AuditEvent", "run_id"), ("audit.AuditEvent", "cycle_id"), ("audit.AuditEvent", "order_intent_id"),
    ("audit.StageEvent", "decision_id"), ("audit.StageEvent", "run_id"), ("audit.StageEvent", "cycle_id"),
    ("audit.Alert", "decision_id"), ("audit.Alert", "run_id"), ("audit.Alert", "cycle_id"),
    ("audit.Alert", "order_intent_id"),
    ("trading.ReconcileRun", "cycle_id"), ("trading.ReconcileRun", "run_id"),  # a few rows a minute
    ("trading.Heartbeat", "run_id"),  # one row per mode
}
SEARCHES = [(m, f.lstrip("=")) for m in OUR_MODELS for f in admin.site._registry[m].search_fields]


@pytest.mark.parametrize(("model", "field"), SEARCHES, ids=[f"{m._meta.label}.{f}" for m, f in SEARCHES])
def test_id_search_uses_an_index(admin_user: User, model: Any, field: str) -> None:
    request = RequestFactory().get("/")
    request.user = admin_user
    term = SHAPED_TERMS[field]
    queryset, _ = admin.site._registry[model].get_search_results(request, model._default_manager.all(), term)
    table = model._meta.db_table
    if connection.vendor == "postgresql":
        # The planner prefers a sequential scan of a tiny table; with it priced out, a usable
        # index is taken and only a search no index serves still scans.
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute("SET LOCAL enable_seqscan = off")
            plan = queryset.explain()
        scans = f"Seq Scan on {table}" in plan
    else:
        plan = queryset.explain()
        scans = f"SCAN {table}" in plan.replace('"', "")
    assert scans == ((model._meta.label, field) in KNOWN_SCANS), plan


@pytest.mark.parametrize("model", MODELS, ids=_ids(MODELS))
def test_live_admin_is_view_only_for_every_model(admin_client: Any, settings: Any, row_of: Any, model: Any) -> None:
    row = row_of(model)
    settings.MODE = "LIVE"
    before = dump(model)

    changelist = admin_client.get(url(model, "changelist"))
    assert changelist.status_code == 200
    assert b'name="action"' not in changelist.content
    assert admin_client.get(url(model, "change", row.pk)).status_code == 200
    assert admin_client.get(url(model, "add")).status_code == 403
    assert admin_client.post(url(model, "add"), {}).status_code == 403
    assert admin_client.post(url(model, "change", row.pk), {}).status_code == 403
    assert admin_client.get(url(model, "delete", row.pk)).status_code == 403
    assert admin_client.post(url(model, "delete", row.pk), {"post": "yes"}).status_code == 403
    action = {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"}
    assert admin_client.post(url(model, "changelist"), action).status_code == 403
    assert dump(model) == before


def test_live_still_allows_admin_login_and_logout(client: Any, admin_user: User, settings: Any) -> None:
    settings.MODE = "LIVE"
    login = client.post(reverse("admin:login"), {"username": "admin", "password": "password", "next": "/admin/"})
    assert login.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.post(reverse("admin:logout")).status_code == 200
    assert client.get(reverse("admin:index")).status_code == 302


@pytest.mark.parametrize("model", APPEND_ONLY, ids=_ids(APPEND_ONLY))
def test_append_only_rows_cannot_be_changed_or_deleted(model: Any) -> None:
    row = make_row(model)
    with pytest.raises(AppendOnlyError):
        row.save()
    with pytest.raises(AppendOnlyError):
        row.delete()
    with pytest.raises(AppendOnlyError):
        model.objects.filter(pk=row.pk).update(ts_ms=1)
    with pytest.raises(AppendOnlyError):
        model.objects.filter(pk=row.pk).delete()
    assert dump(model) == [model.objects.filter(pk=row.pk).values().get()]
