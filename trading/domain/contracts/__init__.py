"""The typed, immutable contracts of the domain; each checks its invariants on construction.

Money is Decimal, JSON carries decimal strings, hashes are SHA-256 hex of RFC 8785 JSON.
"""
from trading.domain.contracts.canonical import (
    ContractViolation,
    canonical_json,
    dec_str,
    sha256_hex,
    to_canonical_value,
)
from trading.domain.contracts.decision import (
    Costs,
    Decision,
    DecisionConstraints,
    DecisionIntent,
    EntryOrderType,
    EntryPlan,
    ExitPlan,
    Side,
)
from trading.domain.contracts.gate import AIGateResult
from trading.domain.contracts.ids import (
    client_order_id_for,
    cycle_id_for,
    new_run_id,
    order_intent_id_for,
)
from trading.domain.contracts.intent import IntentKind, OrderIntent, OrderType
from trading.domain.contracts.quantize import (
    PriceRounding,
    QuantizationError,
    QuantizedOrder,
    SymbolFilters,
    check_order,
    quantize_order,
)
from trading.domain.contracts.risk import RiskCheck, RiskVerdict

__all__ = [
    "AIGateResult",
    "ContractViolation",
    "Costs",
    "Decision",
    "DecisionConstraints",
    "DecisionIntent",
    "EntryOrderType",
    "EntryPlan",
    "ExitPlan",
    "IntentKind",
    "OrderIntent",
    "OrderType",
    "PriceRounding",
    "QuantizationError",
    "QuantizedOrder",
    "RiskCheck",
    "RiskVerdict",
    "Side",
    "SymbolFilters",
    "canonical_json",
    "check_order",
    "client_order_id_for",
    "cycle_id_for",
    "dec_str",
    "new_run_id",
    "order_intent_id_for",
    "quantize_order",
    "sha256_hex",
    "to_canonical_value",
]
