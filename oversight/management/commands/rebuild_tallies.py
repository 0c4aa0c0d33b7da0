import time

from django.core.management.base import BaseCommand

from oversight.services import tally_rebuild


class Command(BaseCommand):
    help = ("Recompute the oversight dashboards' summary tables from every case (the incremental "
            "aggregator keeps them right; use this after restoring a backup or changing a metric).")

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=2000, help="Cases read per query batch.")

    def handle(self, *args, **options):
        started = time.monotonic()
        cases = tally_rebuild(batch=options["batch"])
        self.stdout.write(f"Summary tables rebuilt from {cases} cases in {time.monotonic() - started:.1f} s.")
