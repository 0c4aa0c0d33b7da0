from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from privacy.audit import audit_seal, audit_verify


class Command(BaseCommand):
    help = ("Verify the audit trail's hash chain: fails if an event was edited, removed or inserted, "
            "if a seal was removed, or if the unsealed tail is older than AUDIT_SEAL_MAX_LAG_SECONDS.")

    def add_arguments(self, parser):
        parser.add_argument("--seal", action="store_true",
                            help="Seal the committed events first (as the beat task does).")

    def handle(self, *args, seal=False, **options):
        if seal:
            self.stdout.write(f"Sealed {audit_seal()} events.")
        result = audit_verify()
        for problem in result.problems:
            self.stderr.write(problem)
        if not result.ok:
            raise CommandError(f"Audit trail is broken: {len(result.problems)} problem(s) "
                               f"in {result.checked} sealed events.")
        tail = f"{result.unsealed} unsealed"
        if result.unsealed:
            tail += f", the oldest {result.unsealed_oldest_seconds:.0f} s old"
        if result.tail_too_old:
            raise CommandError(
                f"Audit trail intact, but the unsealed tail is too old ({tail}; bound "
                f"{settings.AUDIT_SEAL_MAX_LAG_SECONDS} s): is the sealer (beat) running, "
                "or is a transaction left open?")
        self.stdout.write(self.style.SUCCESS(
            f"Audit trail intact: {result.checked} events verified in {result.seals} seals; {tail}."))
