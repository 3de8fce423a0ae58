"""A child process for crash tests: emits audit events until killed.

Usage: python -m tests.support.writer_child RUN_ID [--repair-only]
Environment: DATABASE_URL and LIVESPOT_AUDIT_DIR point at the test's own files.
After each commit it prints `COMMITTED <seq>`: what the writer reported committed.
"""
from __future__ import annotations

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "livespot_site.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from audit.runtime import build_writer
    from trading.domain.clock import SystemClock

    run_id = sys.argv[1]
    call_command("migrate", verbosity=0, interactive=False)
    writer = build_writer(run_id, "PAPER", SystemClock(), batch_max=200, flush_interval_ms=5)
    if "--repair-only" in sys.argv:
        writer.start()
        ok = writer.close(timeout=30)
        print("REPAIRED" if ok else "NOT-CLEAN", flush=True)
        return
    writer.add_commit_listener(lambda seq: print(f"COMMITTED {seq}", flush=True))
    writer.start()
    print("READY", flush=True)
    i = 0
    while True:
        writer.emit("ORDER_UPDATE" if i % 2 else "FILL", stage="EXECUTE_INTENT", symbol="BTCUSDT",
                    data={"i": i, "pad": "x" * 200})
        i += 1
        if i % 500 == 0:
            writer.flush(timeout=30)


if __name__ == "__main__":
    main()
