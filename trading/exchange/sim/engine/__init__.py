"""The simulator's matching engine: Binance Spot semantics in plain Python (design §3).

Use `SimEngine`; everything else is its internals. Requests are Binance parameter dicts,
responses are Binance JSON bodies, failures raise `BinanceApiError`.
"""
from .balances import FeeSchedule
from .engine import SimEngine
from .enums import SymbolStatus
from .errors import BinanceApiError
from .symbols import SymbolSpec, typical_filters, typical_spec

__all__ = ["BinanceApiError", "FeeSchedule", "SimEngine", "SymbolSpec", "SymbolStatus", "typical_filters",
           "typical_spec"]
