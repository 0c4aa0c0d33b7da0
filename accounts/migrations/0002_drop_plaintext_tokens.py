"""DRF's authtoken kept every API token in plain text, without expiry. The API now uses
django-rest-knox (hashed, expiring tokens); the old table and its keys are dropped, and its
migration records with it, so that re-installing the app would create it afresh."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [
        migrations.RunSQL(
            sql=["DROP TABLE IF EXISTS authtoken_token", "DELETE FROM django_migrations WHERE app = 'authtoken'"],
            reverse_sql=migrations.RunSQL.noop,
        ),
    ]
