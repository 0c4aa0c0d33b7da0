"""``manage.py reseal_documents``: after ``rotate_keys``, store every kept document file again
sealed with the newest key, so that the old key can be dropped (README, "Key rotation")."""

from django.core.management.base import BaseCommand

from evidence.services import documents_reseal


class Command(BaseCommand):
    help = "Re-encrypt the stored document files with the newest field encryption key."

    def handle(self, *args, **options):
        counts = documents_reseal()
        self.stdout.write(f"Files re-sealed: {counts['resealed']}; unreadable, left as they are: "
                          f"{counts['unreadable']}.")
        if counts["unreadable"]:
            self.stderr.write("Some files could not be opened with any configured key: keep the old keys.")
