"""The operator's console: short stage lines (or one updating line) and highlighted alerts.

Everything printed goes through the redactor. Output is plain text when the stream is
not a terminal, so logs and CI captures stay readable.
"""
from __future__ import annotations

import sys
import threading
import time
from typing import TextIO

from audit.redaction import Redactor

_STYLES = {"INFO": "\x1b[1;36m", "WARN": "\x1b[1;33m", "CRIT": "\x1b[1;37;41m"}
_RESET = "\x1b[0m"


def fmt_ts(ts_ms: int) -> str:
    """Return an ISO-like UTC time with milliseconds, e.g. 2026-11-22T00:26:10.123Z."""
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ts_ms // 1000)) + f".{ts_ms % 1000:03d}Z"


class ConsoleSink:
    """Writes stage and alert lines; `single_line` keeps the stage on one updating line."""

    def __init__(self, redactor: Redactor, stream: TextIO | None = None,
                 stage_display: str = "lines", beep: bool = False) -> None:
        if stage_display not in ("lines", "single_line"):
            raise ValueError("stage_display must be 'lines' or 'single_line'")
        self._redactor = redactor
        self._stream = stream or sys.stdout
        self._tty = bool(getattr(self._stream, "isatty", lambda: False)())
        self._single = stage_display == "single_line" and self._tty
        self._beep = beep
        self._lock = threading.Lock()
        self._status_shown = False

    def stage(self, line: str) -> None:
        text = self._redactor.text(line)
        with self._lock:
            if self._single:
                self._stream.write("\r\x1b[2K" + text)
                self._status_shown = True
            else:
                self._stream.write(text + "\n")
            self._stream.flush()

    def alert(self, severity: str, line: str) -> None:
        text = self._redactor.text(line)
        with self._lock:
            prefix = "\r\x1b[2K" if self._status_shown else ""
            self._status_shown = False
            if self._tty:
                text = f"{_STYLES.get(severity, '')}{text}{_RESET}"
            bell = "\a" if self._beep else ""
            self._stream.write(f"{prefix}{text}{bell}\n")
            self._stream.flush()

    def close(self) -> None:
        with self._lock:
            if self._status_shown:
                self._stream.write("\n")
                self._stream.flush()
                self._status_shown = False
