import os

from django.core.management.base import BaseCommand
from django.db import transaction

from agencies.demo import USERS, load_demo
from commission.demo import load_commission_demo

DEFAULT_PASSWORD = "demo-pass-2026"


class Command(BaseCommand):
    help = "Load demo jurisdictions, agencies, one user per role and a school commission (idempotent)."

    def handle(self, *args, **options):
        password = os.environ.get("DEMO_PASSWORD") or DEFAULT_PASSWORD
        with transaction.atomic():
            created = load_demo(password=password)
            commission_created = load_commission_demo()
        self.stdout.write(
            f"Demo data ready ({created['agencies']} agencies and {created['users']} users added"
            f"{', a commission composition' if commission_created else ''})."
        )
        self.stdout.write(f"Demo logins (password for all: {password}): " + ", ".join(USERS))
