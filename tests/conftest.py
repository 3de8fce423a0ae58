"""Shared fixtures. The session environment (canary secrets, temp state folder, strict
skips) is set by the `tests.support.session_env` plugin before Django loads."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.audit import WriterFactory
from tests.support.sim_trade_run import sim_trade_run  # noqa: F401 - the session fixture


@pytest.fixture
def audit_dir(tmp_path: Path) -> Path:
    path = tmp_path / "audit"
    path.mkdir()
    return path


@pytest.fixture
def writer_factory(audit_dir: Path) -> Iterator[WriterFactory]:
    factory = WriterFactory(audit_dir)
    yield factory
    factory.close_all()
