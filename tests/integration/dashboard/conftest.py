"""Fixtures of the panel tests: the factory cast, and real daphne processes on the test DB."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from tests.integration.dashboard import cast
from tests.integration.dashboard.panel_server import PanelServer
from tests.support.db_url import subprocess_db_url


@pytest.fixture
def filled(db: None) -> cast.Cast:
    """The full factory cast in the PAPER database, inside the test's transaction."""
    return cast.fill(cast.now_ms_for_tests())


@pytest.fixture
def start_server(django_db_setup: None, tmp_path: Path) -> Iterator[Callable[..., PanelServer]]:
    """Return a function that starts a daphne on the test DB; every server is stopped after."""
    servers: list[PanelServer] = []
    db = subprocess_db_url()

    def start(**kwargs: object) -> PanelServer:
        server = PanelServer(tmp_path, db, **kwargs)  # type: ignore[arg-type]
        servers.append(server)
        return server.start()

    yield start
    for server in servers:
        server.stop()
