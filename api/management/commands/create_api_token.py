"""`manage.py create_api_token USERNAME --scopes read,write`: print a new token (for scripts)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from api.models import TokenScope
from api.tokens import issue_token


class Command(BaseCommand):
    help = "Create a personal access token for USERNAME and print it (shown this once)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")
        parser.add_argument("--scopes", default="read", help="read, or read,write")
        parser.add_argument("--name", default="Command-line token")
        parser.add_argument(
            "--days", type=int, default=90, help="Days until it expires (0: never)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        scopes = {part.strip() for part in options["scopes"].split(",") if part.strip()}
        if not scopes or scopes - {"read", "write"}:
            raise CommandError("--scopes is read or read,write.")
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"No user {options['username']!r}.")
        days = options["days"]
        issued = issue_token(
            user=user,
            name=options["name"],
            scope=TokenScope.WRITE if "write" in scopes else TokenScope.READ,
            expires_at=timezone.now() + timedelta(days=days) if days > 0 else None,
        )
        self.stdout.write(issued.secret)
