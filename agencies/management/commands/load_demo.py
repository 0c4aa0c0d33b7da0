import os

from django.core.management.base import BaseCommand

from agencies.demo import USERS, load_demo

DEFAULT_PASSWORD = "demo-pass-2026"


class Command(BaseCommand):
    help = "Load demo jurisdictions, agencies and one user per role (idempotent)."

    def handle(self, *args, **options):
        password = os.environ.get("DEMO_PASSWORD") or DEFAULT_PASSWORD
        created = load_demo(password=password)
        self.stdout.write(
            f"Demo data ready ({created['agencies']} agencies and {created['users']} users added)."
        )
        self.stdout.write(f"Demo logins (password for all: {password}): " + ", ".join(USERS))
