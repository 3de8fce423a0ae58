"""The cycle's pure stages (design §4): each returns what it accepted and what it rejected, with a ReasonCode.

    universe = scan_universe(exchange_info.symbols.values(), tickers_by_symbol, config.universe)
    ranked = rank_topn([s.symbol for s in universe.accepted], tickers_by_symbol, radar_by_symbol, config.topn)
    deep = deep_scan(ranked.accepted, views, returns, incumbents, config, now_ms)
    proposal = strategy_propose(strategy, strategy_input)
    verdict = risk_verdict(engine, gate_outcome, risk_context)   # judges gate_outcome.decision
"""
from trading.domain.stages.deep_scan import DeepScanResult, Finalist, deep_scan
from trading.domain.stages.rank_topn import RankedSymbol, rank_topn
from trading.domain.stages.result import Rejected, StageResult
from trading.domain.stages.risk_verdict import risk_verdict
from trading.domain.stages.strategy_propose import Proposal, strategy_propose
from trading.domain.stages.universe_scan import scan_universe

__all__ = [
    "DeepScanResult", "Finalist", "Proposal", "RankedSymbol", "Rejected", "StageResult", "deep_scan",
    "rank_topn", "risk_verdict", "scan_universe", "strategy_propose",
]
