"""`manage.py export_questions`: write the bank as a question pack."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from questions.models import Category, Question, Status
from questions.pack import export_pack


class Command(BaseCommand):
    help = "Write questions as a pack (the format load_questions reads) to stdout or a file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", "-o", help="write to this file instead of stdout")
        parser.add_argument(
            "--status",
            action="append",
            choices=Status.values,
            help="only questions with this status (repeatable; default: all)",
        )
        parser.add_argument("--category", action="append", help="only this category slug")

    def handle(self, *args: Any, **options: Any) -> None:
        questions = Question.objects.all()
        if options["status"]:
            questions = questions.filter(status__in=options["status"])
        if options["category"]:
            known = set(
                Category.objects.filter(slug__in=options["category"]).values_list("slug", flat=True)
            )
            unknown = sorted(set(options["category"]) - known)
            if unknown:
                raise CommandError(f"Unknown category: {', '.join(unknown)}")
            questions = questions.filter(category__slug__in=options["category"])
        text = export_pack(questions)
        if options["output"]:
            Path(options["output"]).write_text(text, encoding="utf-8")
            if options["verbosity"] > 0:
                self.stderr.write(f"Wrote {questions.count()} questions to {options['output']}")
        else:
            self.stdout.write(text, ending="")
