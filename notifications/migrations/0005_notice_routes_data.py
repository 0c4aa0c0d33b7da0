"""Ship the notice matrix and the new rules and rule fields; record each notice's sender;
encrypt the waiver reasons written before they were encrypted (DESIGN §5)."""

from types import SimpleNamespace

from django.db import migrations


def load_protocol_data(apps, schema_editor):
    from notifications.protocols import load_notice_routes, load_protocols

    Jurisdiction = apps.get_model("agencies", "Jurisdiction")
    load_protocols(apps.get_model("notifications", "DeadlineRule"), Jurisdiction)
    load_notice_routes(apps.get_model("notifications", "NoticeRoute"), Jurisdiction)


def record_senders(apps, schema_editor):
    # Until now only a case's school could send notices about it.
    Notice = apps.get_model("notifications", "Notice")
    for case_id, school_id in (Notice.objects.filter(from_agency__isnull=True)
                               .values_list("case_id", "case__school_id").distinct()):
        Notice.objects.filter(case_id=case_id, from_agency__isnull=True).update(from_agency_id=school_id)


def _reasons(Deadline):
    return Deadline.objects.exclude(waived_reason="").values_list("pk", "waived_reason").iterator()


def encrypt_reasons(apps, schema_editor):
    from privacy import crypto
    from privacy.fields import Sealed, associated_data

    Deadline = apps.get_model("notifications", "Deadline")
    field = Deadline._meta.get_field("waived_reason")
    for pk, stored in _reasons(Deadline):
        text = str(stored)
        bound = associated_data(SimpleNamespace(pk=pk), field)
        if crypto.key_id_of(text):
            try:
                crypto.open_sealed(text, bound)
                continue  # already sealed
            except crypto.DecryptionError:
                pass  # plain text that merely looks like a sealed value
        Deadline.objects.filter(pk=pk).update(waived_reason=Sealed(crypto.seal(text, bound)))


def decrypt_reasons(apps, schema_editor):
    from privacy import crypto
    from privacy.fields import Sealed, associated_data

    Deadline = apps.get_model("notifications", "Deadline")
    field = Deadline._meta.get_field("waived_reason")
    for pk, stored in _reasons(Deadline):
        try:
            plain = crypto.open_sealed(str(stored), associated_data(SimpleNamespace(pk=pk), field))
        except crypto.DecryptionError:
            continue  # plain already, or unreadable: never overwritten
        Deadline.objects.filter(pk=pk).update(waived_reason=Sealed(plain))


class Migration(migrations.Migration):
    dependencies = [("notifications", "0004_notice_routes_terms_sender"), ("agencies", "0003_education_authority")]
    operations = [
        migrations.RunPython(load_protocol_data, migrations.RunPython.noop),
        migrations.RunPython(record_senders, migrations.RunPython.noop),
        migrations.RunPython(encrypt_reasons, decrypt_reasons),
    ]
