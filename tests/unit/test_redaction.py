"""Secret values never reach text, bytes, structures or log lines."""
from __future__ import annotations

import logging

import orjson

from audit.redaction import REDACTED, Redactor, RedactingFormatter, secret_values_from_settings
from tests.support.session_env import CANARY, scan_for_canary


def test_replaces_secrets_in_text_and_nested_structures() -> None:
    red = Redactor(["sk-live-abcdef123456", "tiny"])
    assert red.text("key=sk-live-abcdef123456;") == f"key={REDACTED};"
    assert red.text("tiny stays") == "tiny stays"  # too short to be a real secret
    assert red.value({"a": ["x sk-live-abcdef123456 y", 3], "sk-live-abcdef123456": 1}) == {
        "a": [f"x {REDACTED} y", 3], REDACTED: 1}


def test_finds_secrets_in_their_json_escaped_form() -> None:
    secret = 'pa"ss\\word-Ω123'
    red = Redactor([secret])
    blob = orjson.dumps({"note": f"<{secret}>"})
    assert secret.encode() not in blob  # escaping hides the raw bytes...
    assert red.contains_bytes(blob)  # ...but not from the redactor
    assert red.text(blob.decode()) == '{"note":"<' + REDACTED + '>"}'


def test_log_formatter_redacts_message_args_and_traceback() -> None:
    secret = secret_values_from_settings()[0]
    record = logging.LogRecord("t", logging.ERROR, __file__, 1, "login with %s", (secret,), None)
    try:
        raise RuntimeError(f"bad key {secret}")
    except RuntimeError:
        import sys

        record.exc_info = sys.exc_info()
    out = RedactingFormatter("%(message)s").format(record)
    assert secret not in out and out.count(REDACTED) == 2


def test_the_session_canary_is_what_settings_hold_as_secrets() -> None:
    # The whole-run leak check is only meaningful if the secrets really are the canary.
    from django.conf import settings

    for name in settings.SECRET_SETTING_NAMES:
        assert getattr(settings, name).startswith(CANARY), name


def test_canary_scanner_finds_a_planted_file(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "clean.txt").write_text("nothing here")
    planted = tmp_path / "sub" / "leak.bin"
    planted.parent.mkdir()
    planted.write_bytes(b"\x00prefix" + CANARY.encode() + b"suffix")
    assert scan_for_canary(tmp_path) == [planted]
    planted.unlink()
