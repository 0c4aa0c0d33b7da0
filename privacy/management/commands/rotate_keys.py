from django.core.management.base import BaseCommand

from privacy.audit import audit_record
from privacy.models import AuditAction
from privacy.rotation import keys_rotate


class Command(BaseCommand):
    help = (
        "Re-encrypt personal data with the newest key of FIELD_ENCRYPTION_KEYS. "
        "Put the new key first, keep the old ones until this has run, then drop them."
    )

    def handle(self, *args, **options):
        changed = keys_rotate()
        audit_record(actor=None, action=AuditAction.KEYS_ROTATED, detail={"rows": changed})
        for label, count in changed.items():
            self.stdout.write(f"{label}: {count} row(s) re-encrypted")
        self.stdout.write(self.style.SUCCESS("Key rotation complete."))
