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
        parser.add_argument("--cases", type=int, default=0, metavar="N",
                            help="Also file N synthetic cases over the past year in every region (issue #10).")

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
            self._pupils_reports()
        if options["cases"] > 0:
            self._volume(options["cases"])
        # Issue #10: the dashboards read summary tables; bring them up to date with the demo.
        drained = tally_drain_all()
        if drained:
            self.stdout.write(f"Dashboard figures updated for {drained} cases.")
        self.stdout.write(f"Demo logins (password for all: {password}): " + ", ".join(USERS))
        self.stdout.write("Logins with a second factor: `manage.py demo_totp <username>` prints the current code.")

    def _pupils_reports(self):
        # Issue #11: an urgent and an answered anonymous report per demo school (tipline.demo).
        from tipline.demo import DEMO_PASSPHRASE, load_tipline_demo

        for school_code, number, code in load_tipline_demo():
            self.stdout.write(f"Pupils' report {number} of {school_code}: follow-up code {code}, "
                              f"passphrase {DEMO_PASSPHRASE}")

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

    def _volume(self, n: int):
        from demo.volume import load_volume

        started = time.monotonic()
        stats = load_volume(n)
        if stats is None:
            self.stdout.write("Synthetic year: the regions' schools already have cases; none added.")
            return
        self.stdout.write(f"Synthetic year: {stats.get('cases', 0)} cases filed in "
                          f"{time.monotonic() - started:.1f} s ({stats.get('refused', 0)} refused); "
                          "clocks: " + ", ".join(f"{k} {v}" for k, v in sorted(stats["states"].items())))
