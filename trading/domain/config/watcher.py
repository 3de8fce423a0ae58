"""Hot reload: notice edits to the trading config file and validate them before use."""
from __future__ import annotations

import os
from pathlib import Path

from trading.domain.config.loader import ConfigError, load_trader_config
from trading.domain.config.model import TraderConfig

# (mtime_ns, size, inode): size and inode catch an edit or an atomic rename-save that lands
# within the filesystem's mtime granularity. None when the file is missing.
_Stamp = tuple[int, int, int] | None


def _stamp(path: Path) -> _Stamp:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size, stat.st_ino


class ConfigWatcher:
    """Poll a config file; hand over a new TraderConfig only when an edit validates.

    A bad edit keeps the last good config and is reported once, as its ConfigError, so the
    caller can alert. The caller decides which changed keys it can apply live.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        """Load the file now; raise ConfigError if it is not valid (a boot must fail loudly)."""
        self._path = Path(path)
        # Stat before reading: an edit racing the read then shows up on the next poll.
        self._stamp = _stamp(self._path)
        self._current = load_trader_config(self._path)
        self._error: ConfigError | None = None

    @property
    def current(self) -> TraderConfig:
        """Return the last config that validated."""
        return self._current

    @property
    def error(self) -> ConfigError | None:
        """Return the error of the latest edit, or None when the file on disk is in use."""
        return self._error

    def poll(self) -> TraderConfig | ConfigError | None:
        """Check the file once; return what changed, if anything.

        Returns:
        - the new TraderConfig when the file changed and validates to a different hash, or
          validates again after a bad edit (so the caller can clear its alert);
        - the ConfigError when the file changed and does not validate (the old config stays);
        - None when nothing changed, or the edit left the config semantically the same.
        """
        stamp = _stamp(self._path)
        if stamp == self._stamp:
            return None
        self._stamp = stamp
        try:
            loaded = load_trader_config(self._path)
        except ConfigError as exc:
            self._error = exc
            return exc
        recovered = self._error is not None
        self._error = None
        if loaded.config_hash == self._current.config_hash and not recovered:
            return None
        self._current = loaded
        return loaded
