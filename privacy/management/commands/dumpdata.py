"""Django's dumpdata, refusing to write children's personal data unless asked to.

The serialiser reads model attributes, and an encrypted field's attribute is
the opened plaintext: a plain ``dumpdata`` would write every name, birth date
and report in clear to a file. Models with encrypted fields (privacy.fields)
are therefore refused unless ``--include-personal-data`` is given, and such an
export is recorded in the audit trail (``data_export``).
"""

from django.apps import apps
from django.core.management.base import CommandError
from django.core.management.commands import dumpdata

from privacy.audit import audit_record
from privacy.fields import encrypted_field_names
from privacy.models import AuditAction


def _models_named(labels) -> set:
    models = set()
    for label in labels:
        try:
            if "." in label:
                models.add(apps.get_model(label))
            else:
                models.update(apps.get_app_config(label).get_models())
        except LookupError as exc:
            raise CommandError(f"Unknown model or application: {label}") from exc
    return models


class Command(dumpdata.Command):
    help = (
        f"{dumpdata.Command.help} Models with encrypted personal data are refused unless "
        "--include-personal-data is given; such an export is audited."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--include-personal-data", action="store_true",
            help="Also write models with encrypted fields, decrypted. The export is recorded in the audit trail.",
        )

    def handle(self, *app_labels, **options):
        chosen = _models_named(app_labels) if app_labels else set(apps.get_models())
        chosen -= _models_named(options["exclude"] or [])
        personal = sorted(m._meta.label for m in chosen if encrypted_field_names(m))
        if personal and not options["include_personal_data"]:
            raise CommandError(
                "These models hold encrypted personal data and would be written decrypted: "
                f"{', '.join(personal)}. Exclude them (-e app.Model) or, for a deliberate export, "
                "give --include-personal-data (it is audited)."
            )
        if personal:
            audit_record(actor=None, action=AuditAction.DATA_EXPORT, detail={
                "command": "dumpdata", "models": personal, "to_file": bool(options.get("output")),
            })
        return super().handle(*app_labels, **options)
