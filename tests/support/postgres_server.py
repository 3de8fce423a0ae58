"""A private PostgreSQL cluster for a test session: initdb into a temp folder, 127.0.0.1 on a free port.

PostgreSQL refuses to run as root, so as root the cluster belongs to the `postgres` OS user
(created by Debian's package) and every server binary runs through `runuser -u postgres`.
Skips loudly when the binaries or that user are missing (`.ci/run` installs `postgresql`);
under LIVESPOT_STRICT_SKIPS (CI) that skip is a failure. The cluster is tuned for tests
(fsync off): throwaway data only.
"""
from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.redis_server import free_port

SUPERUSER = "livespot"
DATABASE = "livespot"


def find_pg_bin() -> Path | None:
    """Return the folder holding initdb and pg_ctl (PATH first, then Debian's versioned folders)."""
    found = shutil.which("pg_ctl")
    if found and shutil.which("initdb"):
        return Path(os.path.realpath(found)).parent
    for folder in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if os.access(Path(folder) / "initdb", os.X_OK) and os.access(Path(folder) / "pg_ctl", os.X_OK):
            return Path(folder)
    return None


@dataclass
class PostgresServer:
    bin_dir: Path
    data_dir: Path
    port: int
    run_as: str | None  # OS user running the server (None: this user)

    @property
    def url(self) -> str:
        return f"postgres://{SUPERUSER}@127.0.0.1:{self.port}/{DATABASE}"

    def _cmd(self, tool: str, *args: str) -> list[str]:
        cmd = [str(self.bin_dir / tool), *args]
        return ["runuser", "-u", self.run_as, "--", *cmd] if self.run_as else cmd

    def run(self, tool: str, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(self._cmd(tool, *args), capture_output=True, text=True, timeout=timeout)
        if result.returncode != 0:
            raise RuntimeError(f"{tool} failed ({result.returncode}): {result.stderr[-2000:]}{result.stdout[-500:]}")
        return result

    def start(self) -> None:
        options = (f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.data_dir} "
                   "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=50")
        self.run("pg_ctl", "-D", str(self.data_dir), "-l", str(self.data_dir / "server.log"), "-o", options,
                 "-w", "-t", "60", "start")

    def stop(self) -> None:
        try:
            self.run("pg_ctl", "-D", str(self.data_dir), "-m", "fast", "-w", "-t", "30", "stop", timeout=60)
        finally:
            shutil.rmtree(self.data_dir.parent, ignore_errors=True)


def start_postgres() -> PostgresServer:
    """initdb a fresh cluster, start it and create the `livespot` database (skip if not installed)."""
    bin_dir = find_pg_bin()
    if bin_dir is None:
        pytest.skip("PostgreSQL server binaries not found (apt-get install postgresql; .ci/run does it)")
    run_as = None
    if os.geteuid() == 0:
        try:
            pw = pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root and there is no `postgres` OS user to run the server "
                        "(Debian's postgresql package creates it)")
        if shutil.which("runuser") is None:
            pytest.skip("running as root and `runuser` is missing (util-linux)")
        run_as = "postgres"
    root = Path(tempfile.mkdtemp(prefix="livespot-pg-"))
    data = root / "data"
    data.mkdir()
    if run_as:
        for path in (root, data):
            os.chown(path, pw.pw_uid, pw.pw_gid)
    server = PostgresServer(bin_dir, data, free_port(), run_as)
    server.run("initdb", "-D", str(data), "-A", "trust", "-U", SUPERUSER, "-E", "UTF8", "--locale=C", "--no-sync")
    server.start()
    _create_database(server)
    return server


def _create_database(server: PostgresServer) -> None:
    import psycopg

    deadline = time.monotonic() + 30
    while True:
        try:
            with psycopg.connect(host="127.0.0.1", port=server.port, user=SUPERUSER, dbname="postgres",
                                 autocommit=True, connect_timeout=2) as conn:
                conn.execute(f"CREATE DATABASE {DATABASE}")
                return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


@pytest.fixture(scope="module")
def postgres_server() -> Iterator[PostgresServer]:
    """A running private PostgreSQL cluster shared by one test module."""
    server = start_postgres()
    try:
        yield server
    finally:
        server.stop()
