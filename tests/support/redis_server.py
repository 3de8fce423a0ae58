"""A private redis-server for a test: 127.0.0.1 on a free port, no persistence, stopped after.

Skips loudly when redis-server is missing (`.ci/run` installs Debian's package); under
LIVESPOT_STRICT_SKIPS (CI) that skip is a failure.
"""
from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class RedisServer:
    port: int
    proc: subprocess.Popen[bytes]

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def start_redis(directory: Path) -> RedisServer:
    """Start redis-server in `directory` and return it once it answers PING (skip if not installed)."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server; .ci/run does it)")
    import redis

    port = free_port()
    proc = subprocess.Popen([binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no",
                             "--dir", str(directory), "--logfile", str(directory / "redis.log")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    server = RedisServer(port, proc)
    client = redis.Redis(host="127.0.0.1", port=port, socket_connect_timeout=0.5)
    deadline = time.monotonic() + 15
    while True:
        try:
            if client.ping():
                client.close()
                return server
        except redis.ConnectionError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            server.stop()
            log = (directory / "redis.log").read_text(errors="replace")[-2000:] if (directory / "redis.log").exists() else ""
            raise RuntimeError(f"redis-server did not start on port {port}: {log}")
        time.sleep(0.05)


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    """A running private redis-server for one test."""
    directory = tmp_path / "redis"
    directory.mkdir()
    server = start_redis(directory)
    try:
        yield server
    finally:
        server.stop()
