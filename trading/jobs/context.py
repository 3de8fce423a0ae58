"""What a job needs: a service context (writes + audit), the exchange (when it talks to one), the config."""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from trading.domain.config import TraderConfig
from trading.services.context import ServiceContext


class JobSetupError(RuntimeError):
    """A job cannot run in this process as configured (one line, names the setting)."""


@dataclass
class JobContext:
    ctx: ServiceContext
    config: TraderConfig
    exchange: Any | None = None  # trading.domain.ports.Exchange; None for jobs that only read the DB
    # In the trader's process: the radar features of the symbols its market state has warm (RANK_TOPN's
    # momentum family). A Celery worker has no market streams, so its ranking scores momentum 0.
    radar: Callable[[Iterable[str]], Mapping[str, Any]] | None = None

    def need_exchange(self, job: str) -> Any:
        """Return the exchange, or raise JobSetupError naming the job."""
        if self.exchange is None:
            raise JobSetupError(f"job {job} needs an exchange and none is configured here")
        return self.exchange
