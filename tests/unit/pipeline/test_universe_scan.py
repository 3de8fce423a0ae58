"""UNIVERSE_SCAN: what is eligible, and why every other symbol is not."""
from __future__ import annotations

from tests.support.builders import make_symbol_info, make_ticker
from trading.domain.catalog.reasons import ReasonCode
from trading.domain.config.sections import UniverseSection
from trading.domain.stages.universe_scan import scan_universe

R = ReasonCode


def _scan(infos: list, cfg: UniverseSection | None = None, tickers: dict | None = None):  # type: ignore[no-untyped-def,type-arg]
    return scan_universe(infos, tickers, cfg or UniverseSection())


def test_accepts_trading_usdt_spot_pairs_sorted_by_name() -> None:
    result = _scan([make_symbol_info("ETHUSDT"), make_symbol_info("BTCUSDT")])
    assert [s.symbol for s in result.accepted] == ["BTCUSDT", "ETHUSDT"] and result.rejected == ()


def test_rejects_leveraged_tokens_but_not_assets_that_merely_end_in_up() -> None:
    result = _scan([make_symbol_info("BTCUPUSDT", base="BTCUP"), make_symbol_info("ETHBEARUSDT", base="ETHBEAR"),
                    make_symbol_info("JUPUSDT", base="JUP")])
    assert [s.symbol for s in result.accepted] == ["JUPUSDT"]
    assert result.rejected_symbols() == {"BTCUPUSDT": R.UNIVERSE_EXCLUDED, "ETHBEARUSDT": R.UNIVERSE_EXCLUDED}
    assert "leveraged_suffix=UP" in result.rejected[0].detail


def test_rejects_stable_pairs() -> None:
    result = _scan([make_symbol_info("USDCUSDT", base="USDC"), make_symbol_info("FDUSDUSDT", base="FDUSD")])
    assert result.accepted == () and set(result.rejected_symbols()) == {"USDCUSDT", "FDUSDUSDT"}


def test_deny_list_wins_over_allow_list() -> None:
    cfg = UniverseSection(allow_symbols=("BTCUSDT", "ETHUSDT"), deny_symbols=("ETHUSDT",))
    result = _scan([make_symbol_info("BTCUSDT"), make_symbol_info("ETHUSDT"), make_symbol_info("SOLUSDT")], cfg)
    assert [s.symbol for s in result.accepted] == ["BTCUSDT"]
    details = {r.symbol: r.detail for r in result.rejected}
    assert details["ETHUSDT"].startswith("deny_list") and details["SOLUSDT"].startswith("allow_list")


def test_rejects_halted_non_usdt_and_non_spot_symbols_with_their_reason() -> None:
    result = _scan([make_symbol_info("BTCUSDT", status="BREAK"), make_symbol_info("ETHBTC", base="ETH", quote="BTC"),
                    make_symbol_info("SOLUSDT", is_spot_trading_allowed=False)])
    assert result.rejected_symbols() == {"BTCUSDT": R.SYMBOL_NOT_TRADING, "ETHBTC": R.UNIVERSE_EXCLUDED,
                                         "SOLUSDT": R.UNIVERSE_EXCLUDED}


def test_rejects_thin_pairs_when_tickers_are_given() -> None:
    tickers = {"BTCUSDT": make_ticker("BTCUSDT", 900_000_000), "DOGEUSDT": make_ticker("DOGEUSDT", 1_000)}
    result = _scan([make_symbol_info("BTCUSDT"), make_symbol_info("DOGEUSDT")], tickers=tickers)
    assert result.rejected_symbols() == {"DOGEUSDT": R.LIQUIDITY_TOO_LOW}


def test_leveraged_and_stable_filters_can_be_switched_off() -> None:
    cfg = UniverseSection(exclude_leveraged_tokens=False, exclude_stable_pairs=False)
    result = _scan([make_symbol_info("BTCUPUSDT", base="BTCUP"), make_symbol_info("USDCUSDT", base="USDC")], cfg)
    assert len(result.accepted) == 2
