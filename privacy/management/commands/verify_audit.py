from django.core.management.base import BaseCommand, CommandError

from privacy.audit import audit_verify


class Command(BaseCommand):
    help = "Verify the hash chain of the audit trail; fails if a row was edited or removed."

    def handle(self, *args, **options):
        result = audit_verify()
        for problem in result.problems:
            self.stderr.write(problem)
        if not result.ok:
            raise CommandError(f"Audit trail is broken: {len(result.problems)} problem(s) in {result.checked} events.")
        self.stdout.write(self.style.SUCCESS(f"Audit trail intact: {result.checked} events verified."))
