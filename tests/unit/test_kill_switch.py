"""The kill-switch file's words: what each asks for, and fail-closed on anything else."""
from __future__ import annotations

from pathlib import Path

import pytest

from trading.control.kill_switch import KillSwitchAction, parse_kill_switch, read_kill_switch

A = KillSwitchAction


@pytest.mark.parametrize("text, action", [
    ("", A.CLOSE_ONLY), ("\n\n", A.CLOSE_ONLY), ("close_only", A.CLOSE_ONLY), ("PAUSE\n", A.CLOSE_ONLY),
    ("flatten  # market went crazy", A.FLATTEN), ("  Halt_All\nwhy: exchange incident", A.HALT_ALL),
])
def test_known_words(text: str, action: KillSwitchAction) -> None:
    state = parse_kill_switch(text)
    assert state.action is action and not state.malformed


@pytest.mark.parametrize("text", ["halt", "stop-everything", "hal_all", "\x00\x01"])
def test_an_unknown_word_acts_as_close_only_and_says_so(text: str) -> None:
    state = parse_kill_switch(text)
    assert state.action is A.CLOSE_ONLY and state.malformed
    assert "close_only, flatten, halt_all" in state.problem


def test_no_file_means_no_kill_switch(tmp_path: Path) -> None:
    assert read_kill_switch(tmp_path / "KILL_SWITCH") is None


def test_file_contents_are_read_and_bounded(tmp_path: Path) -> None:
    path = tmp_path / "KILL_SWITCH"
    path.write_bytes(b"halt_all " + b"x" * 100_000)
    state = read_kill_switch(path)
    assert state is not None and state.action is A.HALT_ALL


def test_a_directory_or_binary_garbage_fails_closed(tmp_path: Path) -> None:
    (tmp_path / "KILL_SWITCH").mkdir()
    state = read_kill_switch(tmp_path / "KILL_SWITCH")
    assert state is not None and state.action is A.CLOSE_ONLY and state.malformed
    junk = tmp_path / "junk"
    junk.write_bytes(b"\xff\xfe\xfa")
    state = read_kill_switch(junk)
    assert state is not None and state.action is A.CLOSE_ONLY and state.malformed
