"""Doctor checks with stable ids: each returns a CheckResult (status, one-line detail, fix hint).

Ids: LS001 config, LS002 database (+WAL), LS003 audit dir, LS004 disk free, LS005 secrets
present, LS006 secrets well-formed, LS007 exchange reachable, LS008 clock skew, LS009 symbol
filters, LS010 account permissions, LS011 Redis; AI001 (aigate.checks) the model round trip.
The runtrader boot uses LS002-LS005; `trading.doctor` runs them all. Never rename an id.
"""
from __future__ import annotations

import re
import shutil
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import connections, transaction

from trading.domain.config import ConfigError, TraderConfig, load_trader_config

PASS, WARN, FAIL, SKIP = "PASS", "WARN", "FAIL", "SKIP"


@dataclass(frozen=True)
class CheckResult:
    check_id: str
    name: str
    status: str
    detail: str
    hint: str = ""

    def to_dict(self) -> dict[str, str]:
        return asdict(self)


def check_config(path: Path) -> tuple[CheckResult, TraderConfig | None]:
    """Return the result of loading the runtime config, and the config when valid."""
    try:
        config = load_trader_config(path)
    except ConfigError as exc:
        return CheckResult("LS001", "trading config", FAIL, str(exc), "fix the key named above"), None
    return CheckResult("LS001", "trading config", PASS, f"{path.name} valid, hash {config.config_hash[:12]}"), config


def check_database(alias: str = "default") -> CheckResult:
    """Return whether the database accepts a write transaction (and is in WAL mode on SQLite)."""
    conn = connections[alias]
    try:
        with transaction.atomic(using=alias), conn.cursor() as cur:
            cur.execute("SELECT 1")
            journal = ""
            if conn.vendor == "sqlite":
                cur.execute("PRAGMA journal_mode")
                journal = cur.fetchone()[0]
    except Exception as exc:  # noqa: BLE001 - any failure means "not writable", reported in one line
        return CheckResult("LS002", "database writable", FAIL, f"{type(exc).__name__}",
                           "check DATABASE_URL, file permissions and free disk")
    if conn.vendor == "sqlite" and journal.lower() != "wal":
        return CheckResult("LS002", "database writable", FAIL, f"journal_mode={journal}, expected wal",
                           "another tool changed the journal mode; run migrate again")
    return CheckResult("LS002", "database writable", PASS, f"{conn.vendor} ok" + (" (WAL)" if journal else ""))


def check_audit_dir(directory: Path) -> CheckResult:
    """Return whether the JSONL audit folder exists (or can be made) and is writable."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        probe = directory / f".probe-{uuid.uuid4().hex}"
        probe.write_bytes(b"ok")
        probe.unlink()
    except OSError as exc:
        return CheckResult("LS003", "audit dir writable", FAIL, f"{directory}: {exc.strerror}",
                           "set LIVESPOT_AUDIT_DIR to a writable folder")
    return CheckResult("LS003", "audit dir writable", PASS, str(directory))


def check_disk_free(directory: Path, warn_bytes: int, degrade_bytes: int) -> CheckResult:
    """Return the free-space status of the disk holding `directory`."""
    free = shutil.disk_usage(directory if directory.exists() else directory.parent).free
    detail = f"{free / 2**30:.1f} GiB free"
    if free < degrade_bytes:
        return CheckResult("LS004", "disk free", FAIL, detail, "free disk space before trading")
    if free < warn_bytes:
        return CheckResult("LS004", "disk free", WARN, detail, "free disk space soon")
    return CheckResult("LS004", "disk free", PASS, detail)


def check_secrets_present() -> CheckResult:
    """Return whether the secrets this configuration needs are set (values are never shown)."""
    needed = []
    if settings.EXCHANGE == "binance" and settings.MODE in ("TESTNET", "LIVE"):
        needed += ["BINANCE_API_KEY", "BINANCE_API_SECRET"]
    if settings.AI_DEC > 0:
        needed.append("OPENAI_API_KEY")
    if not needed:
        return CheckResult("LS005", "secrets present", SKIP, "no secret needed for this mode and venue")
    missing = [name for name in needed if not getattr(settings, name)]
    if missing:
        return CheckResult("LS005", "secrets present", FAIL, "missing: " + ", ".join(missing),
                           "set them in the environment (never in the config file)")
    return CheckResult("LS005", "secrets present", PASS, "set: " + ", ".join(needed))


# ---- secrets format, exchange, account, Redis (issue 7) ---------------------------------
# Binance API keys and secrets are 64 letters and digits (HMAC keys; testnet and production alike).
_BINANCE_KEY_RE = re.compile(r"[A-Za-z0-9]{64}")
MAX_CLOCK_SKEW_MS = 1000  # signed calls fail past recvWindow; a skew this large means a bad clock


def binance_keys_needed() -> bool:
    """Return True when orders go to Binance with the configured keys (TESTNET or LIVE)."""
    return settings.EXCHANGE == "binance" and settings.MODE in ("TESTNET", "LIVE")


def check_secrets_format() -> CheckResult:
    """Return whether the Binance key and secret look like Binance's (the values are never shown)."""
    name = "secrets well-formed"
    if not binance_keys_needed():
        return CheckResult("LS006", name, SKIP, f"no Binance key used ({settings.MODE} on {settings.EXCHANGE})")
    values = {"BINANCE_API_KEY": settings.BINANCE_API_KEY, "BINANCE_API_SECRET": settings.BINANCE_API_SECRET}
    if not all(values.values()):
        return CheckResult("LS006", name, SKIP, "a Binance secret is missing (see LS005)")
    bad = [n for n, v in values.items() if not _BINANCE_KEY_RE.fullmatch(v)]
    if bad:
        return CheckResult("LS006", name, FAIL, ", ".join(bad) + ": not 64 letters and digits",
                           "copy the key again from Binance API management (no spaces or quotes)")
    return CheckResult("LS006", name, PASS, "Binance key and secret: 64 letters and digits each")


def check_exchange_reachable(exchange: Any, venue: str, now_ms: Callable[[], int]) -> tuple[CheckResult, int | None]:
    """Return the reachability result and the measured clock offset (server minus local, ms)."""
    before = now_ms()
    try:
        server_ms = exchange.server_time()
    except Exception as exc:  # noqa: BLE001 - any failure means unreachable, in one line
        return CheckResult("LS007", "exchange reachable", FAIL, f"{venue}: {_exc_line(exc)}",
                           "check the network, the venue URL (or --sim-port) and that the exchange is up"), None
    after = now_ms()
    offset = server_ms - (before + after) // 2
    return CheckResult("LS007", "exchange reachable", PASS, f"{venue}: server time in {after - before} ms"), offset


def check_clock_skew(offset_ms: int | None, max_ms: int = MAX_CLOCK_SKEW_MS) -> CheckResult:
    """Return FAIL when the local clock is more than `max_ms` off the exchange's, WARN past half."""
    name = "clock skew"
    if offset_ms is None:
        return CheckResult("LS008", name, SKIP, "exchange unreachable (see LS007)")
    detail = f"local clock {abs(offset_ms)} ms {'behind' if offset_ms > 0 else 'ahead of'} the exchange"
    if abs(offset_ms) > max_ms:
        return CheckResult("LS008", name, FAIL, f"{detail} (limit {max_ms} ms)",
                           "enable NTP time sync (timedatectl set-ntp true / chrony)")
    if abs(offset_ms) > max_ms // 2:
        return CheckResult("LS008", name, WARN, f"{detail} (limit {max_ms} ms)", "check NTP time sync")
    return CheckResult("LS008", name, PASS, detail)


def check_symbol_filters(exchange: Any | None, universe: Any | None) -> CheckResult:
    """Return whether exchangeInfo parses and the universe symbols are listed, trading and spot."""
    name = "symbol filters"
    if exchange is None or universe is None:
        return CheckResult("LS009", name, SKIP, "exchange unreachable (LS007)" if exchange is None
                           else "trading config invalid (LS001)")
    try:
        info = exchange.exchange_info()
    except Exception as exc:  # noqa: BLE001
        return CheckResult("LS009", name, FAIL, f"exchangeInfo: {_exc_line(exc)}", "retry; report a parse error")
    wanted = list(universe.allow_symbols) or [
        s.symbol for s in info.symbols.values()
        if s.quote_asset == universe.quote_asset and s.is_trading and s.is_spot_trading_allowed]
    wanted = [s for s in wanted if s not in set(universe.deny_symbols)]
    bad = [s for s in wanted if s not in info.symbols or not info.symbols[s].is_trading
           or not info.symbols[s].is_spot_trading_allowed]
    if bad:
        return CheckResult("LS009", name, FAIL, "not listed, not TRADING or not spot: " + ", ".join(bad[:10]),
                           "fix universe.allow_symbols (or point --sim-port at a simulator that lists them)")
    if not wanted:
        return CheckResult("LS009", name, FAIL, f"no eligible {universe.quote_asset} symbol on the venue",
                           "check universe.quote_asset and deny_symbols")
    no_grid = [s for s in wanted if info.symbols[s].filters.tick_size is None or info.symbols[s].filters.step_size is None]
    if no_grid:
        return CheckResult("LS009", name, WARN, "no PRICE_FILTER/LOT_SIZE grid: " + ", ".join(no_grid[:10]),
                           "orders on these symbols are not quantized; consider deny_symbols")
    return CheckResult("LS009", name, PASS, f"{len(wanted)} universe symbols with parsed filters")


def check_account(exchange: Any | None, applies: str | None) -> CheckResult:
    """Return whether the account may trade spot; `applies` is the reason to SKIP when set."""
    name = "account permissions"
    if applies is not None:
        return CheckResult("LS010", name, SKIP, applies)
    if exchange is None:
        return CheckResult("LS010", name, SKIP, "exchange unreachable (LS007)")
    try:
        account = exchange.account()
    except Exception as exc:  # noqa: BLE001
        return CheckResult("LS010", name, FAIL, f"account: {_exc_line(exc)}",
                           "check the key's permissions (Enable Spot & Margin Trading) and IP allow-list")
    if not account.can_trade:
        return CheckResult("LS010", name, FAIL, "canTrade is false", "enable spot trading for this API key")
    return CheckResult("LS010", name, PASS, f"canTrade, balances readable ({len(account.balances)} assets)")


def check_redis(url: str, timeout_s: float = 2.0) -> CheckResult:
    """Return whether Redis at `url` answers PING; SKIP when REDIS_URL is not set."""
    name = "redis reachable"
    if not url:
        return CheckResult("LS011", name, SKIP, "not configured (REDIS_URL empty: in-memory channel layer)")
    import redis  # only needed when configured

    try:
        parts = urlsplit(url)
        where = f"{parts.hostname}:{parts.port or 6379}"
    except ValueError:
        return CheckResult("LS011", name, FAIL, "REDIS_URL is not a valid URL", "use redis://HOST:PORT/DB")
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=timeout_s, socket_timeout=timeout_s)
        client.ping()
        client.close()
    except Exception as exc:  # noqa: BLE001 - the text may carry the URL (and its password)
        return CheckResult("LS011", name, FAIL, f"{where}: {type(exc).__name__}",
                           "start redis-server, or unset REDIS_URL to run without it")
    return CheckResult("LS011", name, PASS, f"{where}: PING ok")


def _exc_line(exc: BaseException) -> str:
    # Adapter errors carry class names and Binance codes only; anything else may hold a signed URL.
    from trading.domain.ports import ExchangeError

    if isinstance(exc, ExchangeError):
        return f"{type(exc).__name__} ({exc})"
    return type(exc).__name__
