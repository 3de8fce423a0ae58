"""The kill-switch file: operator control that needs neither Django nor the database.

The trader looks at one path (setting LIVESPOT_KILL_SWITCH_FILE) every loop tick. The first
word of the file says what to do; the file being there is what matters:

- empty, `close_only` or `pause`: no new entries; exits, protection and reconcile go on.
- `flatten`: close every position at market (protection is cancelled in the same request),
  then as close_only.
- `halt_all`: no new orders at all except those that keep a position protected (a missing
  stop is still placed; resting exchange-side stops are never cancelled): no entries, no
  time-stop or strategy exits.
- anything else, or an unreadable file: close_only, and an alert names the problem
  (fail closed, but never the drastic choice on a typo).

Removing the file lifts close_only / halt_all; a flatten's pause stays until `resume`.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path


class KillSwitchAction(StrEnum):
    CLOSE_ONLY = "close_only"
    FLATTEN = "flatten"
    HALT_ALL = "halt_all"


_WORDS = {"": KillSwitchAction.CLOSE_ONLY, "close_only": KillSwitchAction.CLOSE_ONLY,
          "pause": KillSwitchAction.CLOSE_ONLY, "flatten": KillSwitchAction.FLATTEN,
          "halt_all": KillSwitchAction.HALT_ALL}
MAX_READ = 4096


@dataclass(frozen=True)
class KillSwitchState:
    action: KillSwitchAction
    word: str  # what the file said (first word, lower case, at most 40 chars)
    problem: str = ""  # why the file was not understood; empty when it was

    @property
    def malformed(self) -> bool:
        return bool(self.problem)


def parse_kill_switch(text: str) -> KillSwitchState:
    """Return what the file's text asks for; unknown words fall back to close_only with a problem."""
    words = text.split()
    word = words[0].lower()[:40] if words else ""
    action = _WORDS.get(word)
    if action is None:
        return KillSwitchState(KillSwitchAction.CLOSE_ONLY, word,
                               f"unknown kill-switch word {word!r}: acting as close_only "
                               f"(expected one of close_only, flatten, halt_all)")
    return KillSwitchState(action, word)


def read_kill_switch(path: Path | str) -> KillSwitchState | None:
    """Return the state the file at `path` asks for, or None when there is no file."""
    try:
        with open(path, "rb") as fh:
            raw = fh.read(MAX_READ)
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        return KillSwitchState(KillSwitchAction.CLOSE_ONLY, "", f"{path} is a directory: acting as close_only")
    except OSError as exc:
        return KillSwitchState(KillSwitchAction.CLOSE_ONLY, "",
                               f"kill-switch file unreadable ({exc.strerror or exc}): acting as close_only")
    return parse_kill_switch(raw.decode("utf-8", errors="replace"))
