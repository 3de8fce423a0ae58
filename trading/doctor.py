"""`doctor`: run every check that applies to this MODE / EXCHANGE / AI_DEC and report the results.

Exchange checks (LS007-LS010) need a venue:
- EXCHANGE=binance: the testnet (MODE=TESTNET) or production endpoints (PAPER reads production
  market data; its orders never reach Binance, so the account check is skipped there).
- EXCHANGE=sim with `sim_port`: the running `simexchange` on 127.0.0.1:<port>.
- EXCHANGE=sim without a port: no setting says where a simulator runs, so doctor starts one
  in-process on a free loopback port (a small generated market) and checks the adapter path
  against it; the detail line says so. This proves our side (adapter, parsing, credentials),
  not someone else's process: pass `--sim-port` to check the simulator the trader will use.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings

from trading import checks
from trading.checks import FAIL, SKIP, CheckResult
from trading.domain.clock import SystemClock
from trading.domain.config import TraderConfig

EXCHANGE_IDS = ("LS007", "LS008", "LS009", "LS010")
SIM_SYMBOLS = 4  # the in-process simulator's generated market: small, so it starts in well under a second


@dataclass
class DoctorReport:
    mode: str
    exchange: str
    ai_dec: int
    results: list[CheckResult] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Return True when no check failed (WARN and SKIP do not fail the run)."""
        return all(r.status != FAIL for r in self.results)

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "mode": self.mode, "exchange": self.exchange, "ai_dec": self.ai_dec,
                "results": [r.to_dict() for r in self.results]}


@dataclass
class Venue:
    label: str
    exchange: Any | None  # a BinanceExchange; None when it could not be built
    account_skip: str | None  # why LS010 does not apply here, or None
    in_process: bool = False  # our own simulator: its clock is this process's clock


def run_doctor(config_path: Path, *, sim_port: int | None = None, only: Iterable[str] = ()) -> DoctorReport:
    """Return the results of every applicable check (or of the `only` ids), in id order.

    Steps: config; local checks (database, audit dir, disk, secrets); the venue's checks
    (reachable, clock skew, filters, account); Redis; the AI gate round trip.
    """
    wanted = {i.upper() for i in only}
    want: Callable[[str], bool] = lambda check_id: not wanted or check_id in wanted  # noqa: E731
    report = DoctorReport(settings.MODE, settings.EXCHANGE, settings.AI_DEC)
    config_result, config = checks.check_config(config_path)
    local = _local_checks(config, want)
    results = [config_result, *local]
    if any(want(i) for i in EXCHANGE_IDS):
        keys_ok = all(r.status != FAIL for r in local if r.check_id in ("LS005", "LS006"))
        with open_venue(sim_port, keys_ok) as venue:
            results += _exchange_checks(venue, config)
    if want("LS011"):
        results.append(checks.check_redis(settings.REDIS_URL))
    if want("AI001"):
        results.append(_ai_check(config))
    report.results = [r for r in results if want(r.check_id)]
    return report


def _local_checks(config: TraderConfig | None, want: Callable[[str], bool]) -> list[CheckResult]:
    audit_dir = Path(settings.AUDIT_DIR)
    out = []
    if want("LS002"):
        out.append(checks.check_database())
    if want("LS003"):
        out.append(checks.check_audit_dir(audit_dir))
    if want("LS004"):
        out.append(checks.check_disk_free(audit_dir, config.alerts.disk_warn_free_bytes,
                                          config.alerts.disk_degrade_free_bytes) if config is not None
                   else CheckResult("LS004", "disk free", SKIP, "thresholds come from the config (LS001 failed)"))
    out += [checks.check_secrets_present(), checks.check_secrets_format()]
    return out


def _exchange_checks(venue: Venue, config: TraderConfig | None) -> list[CheckResult]:
    if venue.exchange is None:
        reach: CheckResult = CheckResult("LS007", "exchange reachable", FAIL, venue.label, "see the detail")
        offset = None
    else:
        reach, offset = checks.check_exchange_reachable(venue.exchange, venue.label, SystemClock().now_ms)
    live = venue.exchange if offset is not None else None
    skew = checks.check_clock_skew(offset)
    if venue.in_process and offset is not None:
        skew = CheckResult("LS008", skew.name, SKIP, "in-process simulator runs on this machine's clock; "
                           "use --sim-port or a real venue to measure skew")
    return [reach, skew,
            checks.check_symbol_filters(live, config.universe if config is not None else None),
            checks.check_account(live, venue.account_skip)]


def _ai_check(config: TraderConfig | None) -> CheckResult:
    from aigate.checks import CHECK_ID, CHECK_NAME, check_ai_gate

    if config is None:
        return CheckResult(CHECK_ID, CHECK_NAME, SKIP if settings.AI_DEC == 0 else FAIL,
                           "the model comes from the config (LS001 failed)", "fix the config first")
    return check_ai_gate(config.ai)


@contextmanager
def open_venue(sim_port: int | None, keys_ok: bool) -> Iterator[Venue]:
    """Yield the venue to check (starting an in-process simulator when needed); close it after."""
    from trading.exchange.adapter import AdapterConfig, BinanceExchange, ExchangeEndpoints

    adapter = AdapterConfig(request_timeout_s=5.0)
    if settings.EXCHANGE == "binance":
        endpoints = ExchangeEndpoints.for_venue("binance", settings.MODE)
        label = "Binance testnet" if settings.MODE == "TESTNET" else "Binance production"
        skip = None
        if settings.MODE == "PAPER":
            skip = "PAPER: orders stay in the local engine, no Binance key is used"
        elif not keys_ok:
            skip = "Binance keys missing or malformed (LS005/LS006)"
        key, secret = (settings.BINANCE_API_KEY, settings.BINANCE_API_SECRET) if skip is None else ("", "")
        exchange = BinanceExchange(endpoints, key, secret, adapter)
        try:
            yield Venue(label, exchange, skip)
        finally:
            exchange.close()
        return
    key, secret = _sim_credentials()
    with _simulator(sim_port, key, secret) as (port, label):
        exchange = BinanceExchange(ExchangeEndpoints.sim(port), key, secret, adapter)
        try:
            yield Venue(label, exchange, None, in_process=sim_port is None)
        finally:
            exchange.close()


def _sim_credentials() -> tuple[str, str]:
    # The same rule as `simexchange`: the configured keys, else the simulator's default pair.
    from trading.exchange.sim.server.standalone import SIM_API_KEY, SIM_API_SECRET

    if settings.BINANCE_API_KEY and settings.BINANCE_API_SECRET:
        return settings.BINANCE_API_KEY, settings.BINANCE_API_SECRET
    return SIM_API_KEY, SIM_API_SECRET


@contextmanager
def _simulator(sim_port: int | None, key: str, secret: str) -> Iterator[tuple[int, str]]:
    if sim_port is not None:
        yield sim_port, f"simulator 127.0.0.1:{sim_port}"
        return
    from trading.exchange.sim.server import Credentials
    from trading.exchange.sim.server.standalone import StandaloneOptions, build_server

    server = build_server(StandaloneOptions(port=0, symbols=SIM_SYMBOLS), Credentials(key, secret))
    server.start_in_thread()
    try:
        yield server.port, f"in-process simulator 127.0.0.1:{server.port} (no --sim-port given)"
    finally:
        server.stop_thread()


def format_table(report: DoctorReport) -> str:
    """Return the human table: one line per check (id, status, name, detail), hints below FAIL/WARN."""
    width = max((len(r.name) for r in report.results), default=4)
    lines = [f"livespot doctor: MODE={report.mode} EXCHANGE={report.exchange} AI_DEC={report.ai_dec}", ""]
    for r in report.results:
        lines.append(f"{r.check_id:<6} {r.status:<4}  {r.name:<{width}}  {r.detail}")
        if r.hint and r.status in (checks.FAIL, checks.WARN):
            lines.append(f"{'':<6} {'':<4}  {'':<{width}}  hint: {r.hint}")
    failed = [r.check_id for r in report.results if r.status == FAIL]
    lines += ["", f"FAILED: {', '.join(failed)}" if failed else "OK: no check failed"]
    return "\n".join(lines)
