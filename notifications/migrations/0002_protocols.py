"""Ship the KZ and UA response protocols (DESIGN §1)."""

from django.db import migrations


def forwards(apps, schema_editor):
    from notifications.protocols import load_protocols

    load_protocols(apps.get_model("notifications", "DeadlineRule"), apps.get_model("agencies", "Jurisdiction"))


class Migration(migrations.Migration):
    dependencies = [("notifications", "0001_initial"), ("agencies", "0002_jurisdictions")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
