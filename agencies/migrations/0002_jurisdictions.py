"""The two jurisdictions the system ships with; their protocols follow in notifications."""

from django.db import migrations

JURISDICTIONS = [
    # code, name, time zone (KZ: one zone, UTC+5 since March 2024), holidays country, language
    ("KZ", "Қазақстан Республикасы", "Asia/Almaty", "KZ", "kk"),
    ("UA", "Україна", "Europe/Kyiv", "UA", "uk"),
]


def forwards(apps, schema_editor):
    Jurisdiction = apps.get_model("agencies", "Jurisdiction")
    for code, name, zone, country, language in JURISDICTIONS:
        Jurisdiction.objects.get_or_create(
            code=code, defaults={"name": name, "time_zone": zone, "holiday_country": country, "language": language})


class Migration(migrations.Migration):
    dependencies = [("agencies", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
