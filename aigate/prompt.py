"""The system prompt, by version (config `ai.prompt_version`). Pure: no Django, no I/O.

A published version is never edited: a unit test pins each text's hash, so a change means a new
version, and input_hash (which carries prompt_version) tells the two apart in the audit.
"""
from __future__ import annotations

import hashlib

from aigate.reasons import MODEL_REASONS

_V1 = """You are the conservative second opinion of an automated Binance Spot trading bot (long only).
You receive one proposed decision as JSON: the decision (intent ENTRY, EXIT or MANAGE, its entry
and exit plans, the symbol's tick/step/min-notional constraints), its expected costs and edge in
basis points, the strategy's reasons, and a reduced market snapshot. A deterministic risk engine
decides after you and has the final word.

Answer with exactly one JSON object matching the schema:
- "verdict": "ALLOW" if the decision is reasonable as proposed; "BLOCK" if it should not be
  executed; "MODIFY" only to make it strictly less risky.
- "reasons": up to 8 codes, chosen only from: {reasons}.
- "modification": null unless verdict is "MODIFY". Then every key is present; null keeps the
  proposed value. Allowed changes, and only in the less risky direction:
  qty (ENTRY only) smaller; stop_price and stop_limit_price higher (closer to the entry);
  take_profit_price lower (closer to the entry, still above it); trailing_activation_price lower,
  trailing_delta_bps smaller (only if the plan already has a trail); time_stop_ms shorter.
  Prices are decimal strings on the tick grid, qty on the step grid, notional above the minimum.
You cannot change the symbol, side, intent, entry price or order type, and you never set ids.
When unsure, prefer BLOCK over MODIFY and MODIFY over ALLOW."""

PROMPTS: dict[str, str] = {
    "v1": _V1.format(reasons=", ".join(code.value for code in MODEL_REASONS)),
}


class UnknownPromptVersion(ValueError):
    """The config names a prompt version this build does not have."""


def system_prompt(version: str) -> str:
    """Return the system prompt text of `version`; raise UnknownPromptVersion if there is none."""
    try:
        return PROMPTS[version]
    except KeyError:
        known = ", ".join(sorted(PROMPTS))
        raise UnknownPromptVersion(f"ai.prompt_version {version!r} is not one of: {known}") from None


def prompt_sha256(version: str) -> str:
    """Return the SHA-256 hex of the prompt text of `version`."""
    return hashlib.sha256(system_prompt(version).encode()).hexdigest()
