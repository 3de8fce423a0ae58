"""Push an alert to every open panel stream at once, over the channel layer.

    push_alert_to_panel({"ts_ms": ..., "severity": "CRIT", "reason_code": "...", "summary": "..."})

With Redis configured (REDIS_URL) the channel layer is shared, so the trader (another process)
reaches the panel's SSE/websocket consumers, which join PANEL_ALERTS_GROUP and receive
messages of type PANEL_ALERT_TYPE ({"type": "panel.alert", "alert": {...}}). With the in-memory
layer the send only reaches consumers of this process (none in the trader): harmless.
The alert is redacted before it leaves the process. A failed send is logged, never raised:
the toast is a convenience, the ALERT_RAISED row is the record.
"""
from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from audit.redaction import get_redactor

PANEL_ALERTS_GROUP = "livespot.alerts"
PANEL_ALERT_TYPE = "panel.alert"
log = logging.getLogger(__name__)


def push_alert_to_panel(alert: Mapping[str, Any]) -> bool:
    """Send `alert` (a JSON-able dict) to PANEL_ALERTS_GROUP; return True when the layer took it."""
    layer = get_channel_layer()
    if layer is None:
        return False
    message = {"type": PANEL_ALERT_TYPE, "alert": get_redactor().value(dict(alert))}
    try:
        async_to_sync(layer.group_send)(PANEL_ALERTS_GROUP, message)
    except Exception as exc:  # noqa: BLE001 - Redis down or a full channel: the audit row still exists
        log.warning("panel alert push failed: %s", type(exc).__name__)
        return False
    return True
