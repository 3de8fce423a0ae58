"""A real daphne process serving livespot_site.asgi on a free loopback port, for stream tests.

It reads the pytest-django test database (tests that give it rows use `transactional_db`, so
the rows are committed and visible to another process), with its own trading config so the
snapshot interval is short, and a short SSE ping interval.
"""
from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PanelServer:
    def __init__(self, workdir: Path, db: str, *, mode: str = "PAPER", interval_ms: int = 400,
                 ping_ms: int = 15_000, port: int | None = None, extra_env: dict[str, str] | None = None) -> None:
        # `db`: a SQLite file path, or a DATABASE_URL (tests.support.db_url.subprocess_db_url)
        self.workdir, self.db, self.mode = workdir, db, mode
        self.db_url = db if "://" in db else f"sqlite:///{db}"
        self.extra_env = dict(extra_env or {})  # e.g. REDIS_URL: a channel layer shared with other processes
        self.interval_ms, self.ping_ms = interval_ms, ping_ms
        self.port = port or free_port()
        self.proc: subprocess.Popen[bytes] | None = None
        self.log_path = workdir / f"daphne-{self.port}.log"

    def env(self) -> dict[str, str]:
        config = self.workdir / f"trading-{self.interval_ms}.toml"
        config.write_text(f"[panel]\nstream_snapshot_interval_ms = {self.interval_ms}\n")
        env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}  # see tests/browser
        return {**env, "DATABASE_URL": self.db_url, "MODE": self.mode,
                "LIVESPOT_TRADING_CONFIG": str(config), "WEBUI_SSE_PING_MS": str(self.ping_ms),
                "DJANGO_SETTINGS_MODULE": "livespot_site.settings", "PYTHONUNBUFFERED": "1", **self.extra_env}

    def start(self, timeout: float = 20.0) -> PanelServer:
        """Start daphne and return once /health answers."""
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(self.port), "livespot_site.asgi:application"],
            cwd=REPO, env=self.env(), stdout=log, stderr=subprocess.STDOUT)
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"daphne exited: {self.log_path.read_text()[-2000:]}")
            try:
                if self.get("/health")[0] == 200:
                    return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"daphne did not answer in {timeout} s: {self.log_path.read_text()[-2000:]}")

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.resume()
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)

    def kill(self) -> None:
        """End the process at once (SIGKILL), as a crash would."""
        if self.proc is not None and self.proc.poll() is None:
            self.resume()
            self.proc.kill()
            self.proc.wait(5)

    def pause(self) -> None:
        """Freeze the process (SIGSTOP): a real stall of its event loop."""
        assert self.proc is not None
        os.kill(self.proc.pid, signal.SIGSTOP)

    def resume(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGCONT)

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None,
                read_body: bool = True) -> tuple[int, dict[str, str], bytes]:
        """Send one request on a fresh connection; return (status, headers, body).

        read_body=False returns right after the headers (for an endless event stream).
        """
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            resp = conn.getresponse()
            data = resp.read() if read_body and method != "HEAD" else b""
            return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data
        finally:
            conn.close()

    def get(self, path: str) -> tuple[int, dict[str, str], bytes]:
        return self.request("GET", path)
