import os
import time

from django.core.management.base import BaseCommand
from django.db import transaction

from agencies.demo import USERS, load_demo
from commission.demo import load_commission_demo
from demo.cases import load_demo_cases, summary_lines
from directory.demo import load_directory_demo
from oversight.services import tally_drain_all

DEFAULT_PASSWORD = "demo-pass-2026"


class Command(BaseCommand):
    help = ("Load demo jurisdictions, agencies, one user per role, a school commission and a set of "
            "cases in every state (idempotent).")

    def add_arguments(self, parser):
        parser.add_argument("--no-cases", action="store_true", help="Load the world without the demo cases.")

    def handle(self, *args, **options):
        password = os.environ.get("DEMO_PASSWORD") or DEFAULT_PASSWORD
        with transaction.atomic():
            created = load_demo(password=password)
            commission_created = load_commission_demo()
            directory_added = load_directory_demo()
        self.stdout.write(
            f"Demo data ready ({created['agencies']} agencies and {created['users']} users added"
            f"{', a commission composition' if commission_created else ''})."
        )
        if directory_added:
            self.stdout.write(f"Help directory: {directory_added} organisations added.")
        # Issue #11: the demo logins whose role requires a second factor get the demo authenticator.
        from accounts.demo import demo_devices_enrol

        second_factor = demo_devices_enrol()
        if second_factor:
            self.stdout.write(f"Second factor: {len(second_factor)} demo logins got the demo authenticator.")
        if not options["no_cases"]:
            self._cases()
        # Issue #10: the dashboards read summary tables; bring them up to date with the demo.
        drained = tally_drain_all()
        if drained:
            self.stdout.write(f"Dashboard figures updated for {drained} cases.")
        self.stdout.write(f"Demo logins (password for all: {password}): " + ", ".join(USERS))
        self.stdout.write("Logins with a second factor: `manage.py demo_totp <username>` prints the current code.")

    def _cases(self):
        started = time.monotonic()
        result = load_demo_cases()
        if result is None:
            self.stdout.write("Demo cases: the demo schools already have cases; none added.")
            return
        self.stdout.write(f"Demo cases added in {time.monotonic() - started:.1f} s "
                          f"({result['swept']} clocks swept, {result['delivered']} messages delivered):")
        for line in summary_lines(result):
            self.stdout.write(f"  {line}")
