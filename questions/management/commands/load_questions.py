"""`manage.py load_questions PATH...`: load question packs, all or nothing."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from questions.pack import PackInvalid, apply_pack, parse_sources, plan_pack, read_sources


class Command(BaseCommand):
    help = (
        "Load question packs (YAML files, or folders of *.yaml / *.yml). The whole input is "
        "checked first and every error reported; then everything is written in one "
        "transaction, or nothing is. Questions and categories are matched by slug."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", help="pack files or folders of packs")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="show what would be created, updated and left unchanged; write nothing",
        )

    def handle(self, *args: Any, paths: list[str], dry_run: bool, **options: Any) -> None:
        try:
            pack = parse_sources(read_sources(paths))
            plan = plan_pack(pack) if dry_run else apply_pack(pack)
        except PackInvalid as exc:
            count = len(exc.errors)
            noun = "error" if count == 1 else "errors"
            raise CommandError(
                f"{count} {noun}; nothing was loaded:\n" + "\n".join(map(str, exc.errors))
            ) from exc
        if dry_run:
            for line in plan.lines():
                self.stdout.write(line)
            self.stdout.write(f"Dry run, nothing written: {plan.summary()}")
        elif options["verbosity"] > 0:
            self.stdout.write(self.style.SUCCESS(plan.summary()))
