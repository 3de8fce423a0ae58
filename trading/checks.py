"""Doctor checks with stable ids: each returns a CheckResult (status, one-line detail, fix hint).

This is the boot subset (config, database, audit dir, disk, secrets); `manage.py doctor`
and the exchange / OpenAI / Redis checks build on it (issue 7).
"""
from __future__ import annotations

import shutil
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path

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
