"""Generated and hand-kept docs must not drift from the code."""
from __future__ import annotations

import re
from pathlib import Path

from trading.domain.catalog.docs import render_catalog_markdown

ROOT = Path(__file__).resolve().parents[2]


def test_reason_code_reference_is_regenerated() -> None:
    assert (ROOT / "docs" / "reason-codes.md").read_text() == render_catalog_markdown(), (
        "docs/reason-codes.md is stale: run `python manage.py catalog_docs`")


def test_every_environment_variable_in_settings_is_documented_in_env_example() -> None:
    source = (ROOT / "livespot_site" / "settings.py").read_text()
    names = set(re.findall(r'env\.\w+\(\s*"([A-Z0-9_]+)"', source))
    names |= set(re.findall(r'_(?:choice|int_range)\(\s*"([A-Z0-9_]+)"', source))
    documented = set(re.findall(r"^([A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.M))
    assert names, "the settings parser found no variables: the test would pass vacuously"
    assert names - documented == set(), f"undocumented in .env.example: {sorted(names - documented)}"
