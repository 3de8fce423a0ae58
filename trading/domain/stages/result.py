"""What every stage returns: the accepted items and the rejected symbols, each with its ReasonCode."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from trading.domain.catalog.reasons import ReasonCode

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Rejected:
    """One symbol a stage turned away; numbers go in `detail` as key=value, never in the code."""

    symbol: str
    reason: ReasonCode
    detail: str = ""


@dataclass(frozen=True, slots=True)
class StageResult(Generic[T]):
    """Accepted items in stage order, rejections in input order."""

    accepted: tuple[T, ...]
    rejected: tuple[Rejected, ...]

    def rejected_symbols(self) -> dict[str, ReasonCode]:
        """Return symbol -> reason of every rejection."""
        return {r.symbol: r.reason for r in self.rejected}
