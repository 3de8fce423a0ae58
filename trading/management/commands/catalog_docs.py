"""`python manage.py catalog_docs [--check]`: write or verify docs/reason-codes.md."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from trading.domain.catalog.docs import render_catalog_markdown

DOC_PATH = Path(settings.BASE_DIR) / "docs" / "reason-codes.md"


class Command(BaseCommand):
    help = "Regenerate the catalog reference (docs/reason-codes.md), or --check that it is current."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--check", action="store_true", help="exit 1 if the file is stale")

    def handle(self, *args: Any, **opts: Any) -> None:
        text = render_catalog_markdown()
        if opts["check"]:
            if not DOC_PATH.exists() or DOC_PATH.read_text() != text:
                raise CommandError(f"{DOC_PATH.name} is stale: run `python manage.py catalog_docs`")
            self.stdout.write(f"{DOC_PATH.name} is current")
            return
        DOC_PATH.parent.mkdir(exist_ok=True)
        DOC_PATH.write_text(text)
        self.stdout.write(f"wrote {DOC_PATH}")
