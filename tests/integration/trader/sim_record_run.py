"""Run `manage.py runtrader` in this process and save the simulator's own record before it stops.

The end-to-end test needs the exchange's view (orders, order lists, trades) to compare with the
trader's database. The in-process simulator dies with the trader, so this wrapper runs the real
command unchanged and, when the command closes its venue, first reads the simulator's engine
(the same query endpoints Binance has: allOrders, allOrderList, myTrades) into a JSON file.

Usage: python tests/integration/trader/sim_record_run.py OUT.json [runtrader args...]
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[3]


def sim_record(server: Any) -> dict[str, Any]:
    """Return the simulator's orders, order lists and trades of every symbol that has any."""
    engine = server.state.engine
    orders: list[dict[str, Any]] = []
    trades: list[dict[str, Any]] = []
    for symbol in sorted(server.state.specs):
        orders += server.call(engine.all_orders, {"symbol": symbol, "limit": "1000"})
        trades += [dict(t, symbol=symbol) for t in server.call(engine.my_trades, {"symbol": symbol, "limit": "1000"})]
    lists = server.call(engine.all_order_lists, {"limit": "1000"})
    return {"orders": orders, "order_lists": lists, "trades": trades}


def main() -> None:
    out, args = Path(sys.argv[1]), sys.argv[2:]
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "livespot_site.settings")
    import django

    django.setup()
    from django.core.management import call_command

    import trading.management.commands.runtrader as runtrader

    build = runtrader.build_venue

    def build_and_record(*a: Any, **k: Any) -> Any:
        venue = build(*a, **k)
        close = venue.close

        def record_then_close() -> None:
            if venue.server is not None:
                out.write_text(json.dumps(sim_record(venue.server)))
            close()
        venue.close = record_then_close  # type: ignore[method-assign]
        return venue

    runtrader.build_venue = build_and_record
    call_command("runtrader", *args)


if __name__ == "__main__":
    main()
