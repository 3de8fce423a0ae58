"""TraderConfig: loading, one-line errors, canonical hash, freezing and hot reload."""
from __future__ import annotations

import json
import os
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from trading.domain.config import (
    ConfigError,
    ConfigWatcher,
    TraderConfig,
    changed_keys,
    load_trader_config,
    parse_trader_config,
)

REPO = Path(__file__).resolve().parents[2]
SHIPPED = REPO / "config" / "trading.toml"
EXAMPLE_LIVE = REPO / "config" / "trading.example-live.toml"
PACKAGE = REPO / "trading" / "domain" / "config"


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def load_text(tmp_path: Path, text: str) -> TraderConfig:
    return load_trader_config(write(tmp_path / "trading.toml", text))


def error_of(tmp_path: Path, text: str) -> str:
    """Return the ConfigError message for `text`, without the "<path>: " prefix."""
    path = write(tmp_path / "trading.toml", text + "\n")
    with pytest.raises(ConfigError) as caught:
        load_trader_config(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ")
    return message.removeprefix(f"{path}: ")


# --- loading --------------------------------------------------------------------------------


def test_empty_file_equals_the_defaults(tmp_path: Path) -> None:
    config = load_text(tmp_path, "")

    assert config == TraderConfig()
    assert config.config_hash == TraderConfig().config_hash


def test_shipped_config_lists_exactly_the_defaults() -> None:
    # The shipped file documents the defaults; this keeps the two from drifting apart.
    assert load_trader_config(SHIPPED) == TraderConfig()


def test_shipped_config_writes_out_every_key() -> None:
    import tomllib

    written = tomllib.loads(SHIPPED.read_text(encoding="utf-8"))
    written["strategy"]["params"] = {}
    assert set(_leaf_keys(written)) == set(_leaf_keys(TraderConfig().canonical_dict()))


def test_example_live_config_loads_and_is_more_conservative_than_the_defaults() -> None:
    live = load_trader_config(EXAMPLE_LIVE)
    default = TraderConfig()

    assert live.universe.allow_symbols == ("BNBUSDT", "BTCUSDT", "ETHUSDT", "SOLUSDT", "XRPUSDT")
    assert live.risk.max_exposure_total_quote < default.risk.max_exposure_total_quote
    assert live.risk.daily_loss_limit_quote < default.risk.daily_loss_limit_quote
    assert live.risk.max_spread_bps < default.risk.max_spread_bps
    assert live.risk.max_open_positions == 1
    assert live.risk.risk_per_trade_pct == Decimal("0.25")


def test_defaults_follow_the_panel_contract() -> None:
    panel = TraderConfig().panel

    assert panel.stream_snapshot_interval_ms == 1000
    assert panel.intents_recent_limit == 50
    assert panel.reconcile_diffs_recent_limit == 50
    assert panel.market_symbols_limit == 50


def test_decimals_are_read_from_strings_and_integers(tmp_path: Path) -> None:
    config = load_text(tmp_path, '[risk]\nmax_exposure_total_quote = 2_000\nrisk_per_trade_pct = "0.750"\n')

    assert config.risk.max_exposure_total_quote == Decimal("2000")
    assert str(config.risk.risk_per_trade_pct) == "0.75"


def test_strategy_params_keep_scalars_as_written(tmp_path: Path) -> None:
    config = load_text(tmp_path, '[strategy.params]\nema_fast = 12\natr_mult = "1.5"\nuse_vwap = true\n')

    assert dict(config.strategy.params) == {"atr_mult": "1.5", "ema_fast": 12, "use_vwap": True}


def test_parse_accepts_an_in_memory_mapping() -> None:
    config = parse_trader_config({"risk": {"max_spread_bps": 8}})

    assert config.risk.max_spread_bps == 8


def test_parse_names_the_source_in_errors() -> None:
    with pytest.raises(ConfigError, match=r"^<dict>: risk: must be a table \(got 5\)$"):
        parse_trader_config({"risk": 5})


def test_parse_rejects_a_config_that_is_not_a_table() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_trader_config([1, 2], source="api")  # type: ignore[arg-type]

    assert str(caught.value) == "api: the config must be a table (got an array)"


# --- one-line errors --------------------------------------------------------------------------

BAD_VALUES = [
    # unknown keys, at every depth
    ("bogus = 1", "bogus: unknown key"),
    ("[bogus]\nx = 1", "bogus: unknown key"),
    ("[risk]\nbogus_key = 1", "risk.bogus_key: unknown key"),
    ("[execution.trailing]\nbogus = 1", "execution.trailing.bogus: unknown key"),
    ("[topn.weights]\nvolumes = \"0.1\"", "topn.weights.volumes: unknown key"),
    # wrong types
    ("[risk]\nmax_spread_bps = \"15\"", 'risk.max_spread_bps: must be an integer in 1..1000 (got "15")'),
    ("[risk]\nmax_spread_bps = true", "risk.max_spread_bps: must be an integer in 1..1000 (got true)"),
    ("[risk]\nmax_spread_bps = 15.0", "risk.max_spread_bps: must be an integer in 1..1000 (got 15.0)"),
    ("[risk]\nrisk_per_trade_pct = 0.5", "risk.risk_per_trade_pct: must be a decimal string in (0, 5] (got 0.5)"),
    ("[risk]\nrisk_per_trade_pct = \"half\"", 'risk.risk_per_trade_pct: must be a decimal string in (0, 5] (got "half")'),
    ("[risk]\nrisk_per_trade_pct = \"NaN\"", 'risk.risk_per_trade_pct: must be a decimal string in (0, 5] (got "NaN")'),
    ("[console]\nbeep = 1", "console.beep: must be true or false (got 1)"),
    ("[console]\nbeep = \"yes\"", 'console.beep: must be true or false (got "yes")'),
    ("risk = 5", "risk: must be a table (got 5)"),
    ("[execution]\ntrailing = true", "execution.trailing: must be a table (got true)"),
    ("[universe]\nallow_symbols = \"BTCUSDT\"", 'universe.allow_symbols: must be an array of strings (got "BTCUSDT")'),
    ("[schedule]\ndaily_report_utc = 00:05:00", 'schedule.daily_report_utc: must be a UTC time "HH:MM" from 00:00 to 23:59 (got a time)'),
    ("[strategy.params]\natr_mult = 1.5", "strategy.params.atr_mult: must be a string, an integer or true/false; write decimals as strings (got 1.5)"),
    ("[strategy.params]\nlevels = [1, 2]", "strategy.params.levels: must be a string, an integer or true/false; write decimals as strings (got an array)"),
    ("[strategy]\nparams = 3", "strategy.params: must be a table (got 3)"),
    # out of range
    ("[risk]\nmax_spread_bps = 5000", "risk.max_spread_bps: must be an integer in 1..1000 (got 5000)"),
    ("[risk]\nmax_spread_bps = 0", "risk.max_spread_bps: must be an integer in 1..1000 (got 0)"),
    ("[risk]\nrisk_per_trade_pct = \"0\"", 'risk.risk_per_trade_pct: must be a decimal string in (0, 5] (got "0")'),
    ("[risk]\nrisk_per_trade_pct = \"5.01\"", 'risk.risk_per_trade_pct: must be a decimal string in (0, 5] (got "5.01")'),
    ("[risk]\nmax_exposure_total_quote = \"-1\"", 'risk.max_exposure_total_quote: must be a decimal string in (0, 1000000000] (got "-1")'),
    ("[deep_scan]\nmax_pairwise_corr = \"1.2\"", 'deep_scan.max_pairwise_corr: must be a decimal string in (0, 1] (got "1.2")'),
    ("[deep_scan]\nfinalists_max = 4", "deep_scan.finalists_max: must be an integer in 1..3 (got 4)"),
    ("[ai]\ntimeout_ms = 50", "ai.timeout_ms: must be an integer in 100..30000 (got 50)"),
    ("[ai]\nmax_retries = 4", "ai.max_retries: must be an integer in 0..3 (got 4)"),
    ("[execution]\nrecv_window_ms = 60001", "execution.recv_window_ms: must be an integer in 1000..60000 (got 60001)"),
    ("[execution.trailing]\ndelta_bps = 5", "execution.trailing.delta_bps: must be an integer in 10..2000 (got 5)"),
    ("[panel]\nintents_recent_limit = 201", "panel.intents_recent_limit: must be an integer in 10..200 (got 201)"),
    ("[panel]\nstream_snapshot_interval_ms = 99", "panel.stream_snapshot_interval_ms: must be an integer in 100..60000 (got 99)"),
    ("[strategy.params]\nbig = 9007199254740992", "strategy.params.big: must be an integer in -9007199254740991..9007199254740991 (got 9007199254740992)"),
    # enumerations and patterns
    ("[execution]\nentry_order_type = \"limit\"", 'execution.entry_order_type: must be one of "LIMIT", "MARKET" (got "limit")'),
    ("[execution]\nprotection = \"OTO\"", 'execution.protection: must be one of "OCO", "OTOCO" (got "OTO")'),
    ("[universe]\nquote_asset = \"BUSD\"", 'universe.quote_asset: must be one of "USDT" (got "BUSD")'),
    ("[console]\nstage_display = \"bar\"", 'console.stage_display: must be one of "lines", "single_line" (got "bar")'),
    ("[reconcile]\nstartup_policy = \"ignore\"", 'reconcile.startup_policy: must be one of "MANAGE_ONLY", "CLOSE_SAFELY", "PAUSE" (got "ignore")'),
    ("[universe]\nallow_symbols = [\"BTCUSDT\", \"btcusdt\"]", 'universe.allow_symbols[1]: must be a symbol matching ^[A-Z0-9]{2,20}USDT$ (got "btcusdt")'),
    ("[universe]\ndeny_symbols = [\"BTCBUSD\"]", 'universe.deny_symbols[0]: must be a symbol matching ^[A-Z0-9]{2,20}USDT$ (got "BTCBUSD")'),
    ("[universe]\nallow_symbols = [\"BTCUSDT\", \"BTCUSDT\"]", 'universe.allow_symbols[1]: must not repeat an earlier item (got "BTCUSDT")'),
    ("[deep_scan]\nkline_intervals = []", "deep_scan.kline_intervals: must have 1..6 items (got 0)"),
    ("[deep_scan]\nkline_intervals = [\"1m\", \"2m\"]", 'deep_scan.kline_intervals[1]: must be a Binance kline interval (1s, 1m, 3m, 5m, 15m, 30m, 1h, 2h, 4h, 6h, 8h, 12h, 1d, 3d, 1w, 1M) (got "2m")'),
    ("[schedule]\ndaily_report_utc = \"24:00\"", 'schedule.daily_report_utc: must be a UTC time "HH:MM" from 00:00 to 23:59 (got "24:00")'),
    ("[strategy]\nname = \"Trend\"", 'strategy.name: must be a lower-case name matching ^[a-z][a-z0-9_]{1,63}$ (got "Trend")'),
    ("[strategy.params]\nEmaFast = 1", "strategy.params.EmaFast: parameter names must match ^[a-z][a-z0-9_]{0,63}$"),
    # cross-field rules
    ("[universe]\nallow_symbols = [\"BTCUSDT\"]\ndeny_symbols = [\"BTCUSDT\"]", 'universe.deny_symbols: must not list a symbol of universe.allow_symbols (got "BTCUSDT")'),
    ("[topn.weights]\nvolume = \"0\"\nliquidity = \"0\"\nmomentum = \"0\"", "topn.weights: at least one weight must be > 0 (got all 0)"),
    ("[topn.radar_weights]\nmomentum_bps = \"0\"\nprice_vs_vwap_bps = \"0\"\nrvol = \"0\"\natr = \"0\"", "topn.radar_weights: at least one weight must be > 0 (got all 0)"),
    ("[deep_scan]\nfinalists_min = 3\nfinalists_max = 2", "deep_scan.finalists_min: must be <= deep_scan.finalists_max (got 3 > 2)"),
    ("[topn]\nn = 2", "topn.n: must be >= deep_scan.finalists_max (got 2 < 3)"),
    ("[risk]\nmax_exposure_symbol_quote = \"600\"\nmax_exposure_total_quote = \"500.00\"", "risk.max_exposure_symbol_quote: must be <= risk.max_exposure_total_quote (got 600 > 500)"),
    ("[risk]\nmin_hold_s = 600\nmax_hold_s = 600", "risk.max_hold_s: must be > risk.min_hold_s (got 600 <= 600)"),
    ("[execution]\nprotection = \"OTOCO\"\nentry_order_type = \"MARKET\"", 'execution.protection: "OTOCO" needs execution.entry_order_type "LIMIT" (got "MARKET")'),
    ("[reconcile]\ndrift_warn_x10000 = 500\ndrift_bad_x10000 = 500", "reconcile.drift_warn_x10000: must be < reconcile.drift_bad_x10000 (got 500 >= 500)"),
    ("[alerts]\ndisk_degrade_free_bytes = 3_000_000_000", "alerts.disk_degrade_free_bytes: must be < alerts.disk_warn_free_bytes (got 3000000000 >= 2147483648)"),
    ("[risk]\nrisk_per_trade_pct = \"0.0000000000000000001\"", 'risk.risk_per_trade_pct: must have at most 18 decimal places (got "0.0000000000000000001")'),
    ("[strategy.params]\n\"ema fast\" = 1", 'strategy.params."ema fast": parameter names must match ^[a-z][a-z0-9_]{0,63}$'),
    ("[risk]\n\"max spread\" = 1", 'risk."max spread": unknown key'),
    # several problems: the first one, and how many more
    ("[risk]\nmax_spread_bps = 0\nfee_bps = -1\nbogus = 1", "risk.max_spread_bps: must be an integer in 1..1000 (got 0) (+2 more)"),
    # TOML syntax, with the line
    ("[risk]\nmax_spread_bps = ", "TOML syntax error: Invalid value (at line 2, column 18)"),
    ("[risk]\nfee_bps = 1\nfee_bps = 2", "TOML syntax error: Cannot overwrite a value (at line 3, column 12)"),
    ("[risk\n", "TOML syntax error: Expected ']' at the end of a table declaration (at line 1, column 6)"),
]


@pytest.mark.parametrize(("text", "expected"), BAD_VALUES, ids=[e for _, e in BAD_VALUES])
def test_bad_config_gives_one_line_naming_the_key_and_the_rule(
    tmp_path: Path, text: str, expected: str
) -> None:
    assert error_of(tmp_path, text) == expected


@pytest.mark.parametrize(("text", "expected"), BAD_VALUES[:8], ids=[e for _, e in BAD_VALUES[:8]])
def test_bad_config_message_leaks_no_pydantic_detail(tmp_path: Path, text: str, expected: str) -> None:
    message = error_of(tmp_path, text)

    assert "\n" not in message
    for noise in ("pydantic", "validation error", "Traceback", "input_type", "errors.pydantic.dev"):
        assert noise not in message


def test_config_error_is_a_value_error_listing_every_problem(tmp_path: Path) -> None:
    path = write(tmp_path / "t.toml", "[risk]\nmax_spread_bps = 0\nbogus = 1\n")
    with pytest.raises(ValueError) as caught:
        load_trader_config(path)

    assert isinstance(caught.value, ConfigError)
    assert caught.value.source == str(path)
    assert caught.value.problems == (
        "risk.max_spread_bps: must be an integer in 1..1000 (got 0)",
        "risk.bogus: unknown key",
    )


def test_config_error_survives_pickling() -> None:
    import pickle

    error = ConfigError("config/trading.toml", ["risk.bogus: unknown key", "ai.bogus: unknown key"])
    copy = pickle.loads(pickle.dumps(error))

    assert str(copy) == str(error) == "config/trading.toml: risk.bogus: unknown key (+1 more)"
    assert copy.problems == error.problems


def test_missing_file_is_a_config_error(tmp_path: Path) -> None:
    path = tmp_path / "nope.toml"
    with pytest.raises(ConfigError) as caught:
        load_trader_config(path)

    assert str(caught.value) == f"{path}: cannot read the file (No such file or directory)"


def test_directory_instead_of_a_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r": cannot read the file \(Is a directory\)$"):
        load_trader_config(tmp_path)


def test_file_that_is_not_utf8_is_a_config_error(tmp_path: Path) -> None:
    path = tmp_path / "latin1.toml"
    path.write_bytes(b'[strategy]\nversion = "caf\xe9"\n')
    with pytest.raises(ConfigError) as caught:
        load_trader_config(path)

    assert str(caught.value) == f"{path}: the file is not valid UTF-8 (byte 25)"


def test_long_bad_string_is_shortened_in_the_message(tmp_path: Path) -> None:
    message = error_of(tmp_path, f'[strategy]\nname = "{"X" * 500}"\n')

    assert message.endswith(f'(got "{"X" * 37}...")')


# --- canonical form and hash -------------------------------------------------------------


def test_canonical_dict_is_json_ready_with_decimal_strings() -> None:
    canonical = TraderConfig().canonical_dict()

    assert canonical["risk"]["risk_per_trade_pct"] == "0.5"
    assert canonical["risk"]["max_spread_bps"] == 15
    assert canonical["universe"]["allow_symbols"] == []
    assert json.loads(json.dumps(canonical)) == canonical


def test_config_hash_is_sha256_hex() -> None:
    digest = TraderConfig().config_hash

    assert len(digest) == 64 and int(digest, 16) >= 0


SAME_CONFIG_WRITTEN_TWO_WAYS = [
    ('[risk]\nfee_bps = 10\nslippage_bps = 5\n', '[risk]\nslippage_bps = 5\nfee_bps = 10\n'),
    ('[risk]\nrisk_per_trade_pct = "1.0"\n', '# one percent\n[risk]\nrisk_per_trade_pct = "1.00" # same\n'),
    ('[risk]\nmax_exposure_total_quote = "1000"\n', "[risk]\nmax_exposure_total_quote = 1_000\n"),
    ('[risk]\nmax_exposure_total_quote = "1E+3"\n', '[risk]\nmax_exposure_total_quote = "1000.000"\n'),
    ('[universe]\nallow_symbols = ["ETHUSDT", "BTCUSDT"]\n', '[universe]\nallow_symbols = ["BTCUSDT", "ETHUSDT"]\n'),
    ("[ai]\nmax_retries = 1\n", ""),
    ('[execution.trailing]\nenabled = true\n', '[execution]\ntrailing = { enabled = true }\n'),
]


@pytest.mark.parametrize(("first", "second"), SAME_CONFIG_WRITTEN_TWO_WAYS)
def test_hash_is_equal_for_semantically_equal_files(tmp_path: Path, first: str, second: str) -> None:
    a = load_trader_config(write(tmp_path / "a.toml", first))
    b = load_trader_config(write(tmp_path / "b.toml", second))

    assert a == b
    assert a.config_hash == b.config_hash


SINGLE_VALUE_CHANGES = [
    '[risk]\nrisk_per_trade_pct = "0.51"\n',
    "[risk]\nmax_spread_bps = 16\n",
    '[universe]\ndeny_symbols = ["LUNAUSDT"]\n',
    "[universe]\nexclude_stable_pairs = false\n",
    '[deep_scan]\nkline_intervals = ["5m", "1m", "1h"]\n',
    '[strategy.params]\nema_fast = 12\n',
    '[strategy.params]\nema_fast = "12"\n',
    '[ai]\nmodel = "gpt-4.1"\n',
    "[panel]\nmarket_symbols_limit = 51\n",
    '[schedule]\ndaily_report_utc = "00:06"\n',
    "[execution.trailing]\nenabled = false\n",
    "[alerts]\nwal_warn_bytes = 268_435_457\n",
]


def test_any_single_value_change_changes_the_hash(tmp_path: Path) -> None:
    hashes = {TraderConfig().config_hash}
    for index, text in enumerate(SINGLE_VALUE_CHANGES):
        hashes.add(load_trader_config(write(tmp_path / f"{index}.toml", text)).config_hash)

    assert len(hashes) == len(SINGLE_VALUE_CHANGES) + 1


@pytest.mark.parametrize("path", [SHIPPED, EXAMPLE_LIVE], ids=["shipped", "example-live"])
def test_canonical_dict_parses_back_to_the_same_config(path: Path) -> None:
    config = load_trader_config(path)
    again = parse_trader_config(config.canonical_dict())

    assert again == config
    assert again.config_hash == config.config_hash


def test_decimals_keep_every_digit_written() -> None:
    # 30 significant digits: more than the default decimal context, which would round them.
    long = "999999999999.123456789012345678"
    config = parse_trader_config({"universe": {"min_quote_volume_24h": long}})
    nearby = parse_trader_config({"universe": {"min_quote_volume_24h": long[:-1] + "9"}})

    assert config.canonical_dict()["universe"]["min_quote_volume_24h"] == long
    assert config.config_hash != nearby.config_hash


def test_model_copy_validates_again_and_rehashes() -> None:
    config = TraderConfig()
    _ = config.config_hash
    tighter = config.model_copy(update={"risk": config.risk.model_copy(update={"fee_bps": 7})})

    assert tighter.risk.fee_bps == 7
    assert tighter.config_hash == parse_trader_config({"risk": {"fee_bps": 7}}).config_hash
    assert tighter.config_hash != config.config_hash
    with pytest.raises(ValidationError):
        config.risk.model_copy(update={"fee_bps": 1000})
    with pytest.raises(ValidationError):
        config.model_copy(update={"risk": config.risk.model_copy(update={"min_hold_s": 20_000})})


def test_changed_keys_lists_the_dotted_keys_that_differ() -> None:
    old = TraderConfig()
    new = parse_trader_config({"risk": {"fee_bps": 7}, "execution": {"trailing": {"delta_bps": 25}}})

    assert changed_keys(old, new) == ("execution.trailing.delta_bps", "risk.fee_bps")
    assert changed_keys(old, old) == ()


# --- frozen --------------------------------------------------------------------------------


def test_config_and_sections_cannot_be_mutated() -> None:
    config = parse_trader_config({"strategy": {"params": {"ema_fast": 12}}})

    with pytest.raises(ValidationError):
        config.risk = config.risk  # type: ignore[misc]
    with pytest.raises(ValidationError):
        config.risk.max_spread_bps = 1  # type: ignore[misc]
    with pytest.raises(TypeError):
        config.strategy.params["ema_fast"] = 13  # type: ignore[index]
    with pytest.raises(AttributeError):
        config.universe.allow_symbols.append("BTCUSDT")  # type: ignore[attr-defined]


def test_config_is_hashable_and_equal_after_its_hash_is_computed() -> None:
    first, second = TraderConfig(), parse_trader_config({})
    _ = first.config_hash

    assert first == second
    assert {first: 1}[second] == 1


def test_config_package_does_not_import_django() -> None:
    for module in PACKAGE.glob("*.py"):
        assert "django" not in module.read_text(encoding="utf-8"), module.name


# --- hot reload ------------------------------------------------------------------------------


class EditableFile:
    """A config file whose every edit gets a later mtime, whatever the filesystem's granularity."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self._mtime_ns = 1_700_000_000_000_000_000
        self.edit(text)

    def edit(self, text: str) -> None:
        self.path.write_text(text, encoding="utf-8")
        self._mtime_ns += 1_000_000_000
        os.utime(self.path, ns=(self._mtime_ns, self._mtime_ns))


def test_watcher_reports_nothing_while_the_file_is_unchanged(tmp_path: Path) -> None:
    file = EditableFile(tmp_path / "t.toml", "[risk]\nfee_bps = 10\n")
    watcher = ConfigWatcher(file.path)

    assert watcher.poll() is None
    assert watcher.current.risk.fee_bps == 10


def test_watcher_reports_a_valid_edit_once(tmp_path: Path) -> None:
    file = EditableFile(tmp_path / "t.toml", "[risk]\nfee_bps = 10\n")
    watcher = ConfigWatcher(file.path)
    file.edit("[risk]\nfee_bps = 8\n")

    reported = watcher.poll()

    assert isinstance(reported, TraderConfig) and reported.risk.fee_bps == 8
    assert watcher.current is reported
    assert watcher.poll() is None


def test_watcher_keeps_the_old_config_on_a_bad_edit_and_reports_the_error_once(tmp_path: Path) -> None:
    file = EditableFile(tmp_path / "t.toml", "[risk]\nfee_bps = 10\n")
    watcher = ConfigWatcher(file.path)
    file.edit("[risk]\nfee_bps = 1000\n")

    reported = watcher.poll()

    assert isinstance(reported, ConfigError)
    assert str(reported).endswith("risk.fee_bps: must be an integer in 0..100 (got 1000)")
    assert watcher.current.risk.fee_bps == 10
    assert watcher.error is reported
    assert watcher.poll() is None


def test_watcher_reports_the_config_again_when_a_bad_edit_is_reverted(tmp_path: Path) -> None:
    file = EditableFile(tmp_path / "t.toml", "[risk]\nfee_bps = 10\n")
    watcher = ConfigWatcher(file.path)
    file.edit("[risk\n")
    watcher.poll()
    file.edit("[risk]\nfee_bps = 10\n")

    # The caller raised an alert for the bad edit; this tells it the file is good again.
    assert watcher.poll() == watcher.current
    assert watcher.error is None


def test_watcher_ignores_an_edit_that_changes_only_comments(tmp_path: Path) -> None:
    file = EditableFile(tmp_path / "t.toml", "[risk]\nfee_bps = 10\n")
    watcher = ConfigWatcher(file.path)
    file.edit("# tuned on Monday\n[risk]\nfee_bps = 10 # maker\n")

    assert watcher.poll() is None


def test_watcher_reports_a_deleted_file_as_an_error(tmp_path: Path) -> None:
    file = EditableFile(tmp_path / "t.toml", "")
    watcher = ConfigWatcher(file.path)
    file.path.unlink()

    reported = watcher.poll()

    assert isinstance(reported, ConfigError) and "cannot read the file" in str(reported)
    assert watcher.current == TraderConfig()


def test_watcher_refuses_to_start_on_a_bad_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        ConfigWatcher(write(tmp_path / "t.toml", "bogus = 1\n"))


# --- property: any valid risk section round-trips ------------------------------------------


def decimal_text(low: str, high: str, places: int = 4) -> st.SearchStrategy[str]:
    """Decimal strings in [low, high], sometimes padded with trailing zeros."""
    numbers = st.decimals(Decimal(low), Decimal(high), places=places, allow_nan=False, allow_infinity=False)
    padding = st.sampled_from(["", "0", "00"])
    return st.builds(lambda d, pad: f"{d}{pad}" if "." in f"{d}" else f"{d}", numbers, padding)


@st.composite
def risk_sections(draw: st.DrawFn) -> dict[str, Any]:
    total = draw(st.decimals(Decimal("0.01"), Decimal("1000000000"), places=2))
    per_symbol = draw(st.decimals(Decimal("0.01"), total, places=2))
    min_hold = draw(st.integers(0, 86_400))
    return {
        "max_exposure_total_quote": str(total),
        "max_exposure_symbol_quote": str(per_symbol),
        "daily_loss_limit_quote": draw(decimal_text("0.01", "1000000000", 2)),
        "max_drawdown_quote": draw(decimal_text("0.01", "1000000000", 2)),
        "max_spread_bps": draw(st.integers(1, 1000)),
        "min_edge_bps_after_costs": draw(st.integers(0, 1000)),
        "fee_bps": draw(st.integers(0, 100)),
        "slippage_bps": draw(st.integers(0, 500)),
        "cooldown_s": draw(st.integers(0, 86_400)),
        "max_trades_per_hour": draw(st.integers(1, 120)),
        "max_loss_streak": draw(st.integers(1, 50)),
        "min_hold_s": min_hold,
        "max_hold_s": draw(st.integers(max(min_hold + 1, 1), 604_800)),
        "max_open_positions": draw(st.integers(1, 20)),
        "risk_per_trade_pct": draw(decimal_text("0.0001", "5")),
    }


@settings(max_examples=100, deadline=None)
@given(risk=risk_sections())
def test_any_valid_risk_section_round_trips_through_canonical_dict(risk: dict[str, Any]) -> None:
    config = parse_trader_config({"risk": risk})
    again = parse_trader_config(config.canonical_dict())

    assert again == config
    assert again.config_hash == config.config_hash
    assert again.canonical_dict()["risk"] == config.canonical_dict()["risk"]


def _leaf_keys(data: dict[str, Any], prefix: str = "") -> list[str]:
    keys: list[str] = []
    for key, value in data.items():
        if isinstance(value, dict) and key != "params":
            keys += _leaf_keys(value, f"{prefix}{key}.")
        else:
            keys.append(f"{prefix}{key}")
    return keys
