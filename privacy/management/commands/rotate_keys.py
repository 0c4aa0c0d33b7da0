from django.core.management.base import BaseCommand

from privacy.audit import audit_record
from privacy.models import AuditAction
from privacy.rotation import keys_rotate


class Command(BaseCommand):
    help = (
        "Re-encrypt personal data with the newest key of FIELD_ENCRYPTION_KEYS. "
        "Put the new key first, keep the old ones until this has run, then drop them."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500, help="Rows read per query (default 500).")

    def handle(self, *args, batch_size, **options):
        changed = keys_rotate(batch_size=batch_size)
        audit_record(actor=None, action=AuditAction.KEYS_ROTATED, detail={
            "rows": dict(changed), "unreadable": dict(changed.unreadable),
        })
        for label, count in changed.items():
            self.stdout.write(f"{label}: {count} row(s) re-encrypted")
        for label, count in changed.unreadable.items():
            self.stderr.write(self.style.WARNING(
                f"{label}: {count} value(s) could not be decrypted and were left as they are "
                "(see the error log; they name a key that is missing or they were damaged)."
            ))
        self.stdout.write(self.style.SUCCESS("Key rotation complete."))
