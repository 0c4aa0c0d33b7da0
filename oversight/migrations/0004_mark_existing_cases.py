"""Cases filed before the summary tables existed are marked dirty once, so that the aggregator
(oversight.services.tally_drain, run by beat) counts them without a manual rebuild."""

from django.db import migrations


def mark_all(apps, schema_editor):
    schema_editor.execute("INSERT INTO oversight_tallydirty (case_id, marked_at) SELECT id, CURRENT_TIMESTAMP "
                          "FROM cases_case WHERE id NOT IN (SELECT case_id FROM oversight_casefact)", params=None)


class Migration(migrations.Migration):

    dependencies = [("oversight", "0003_deadline_breached_index")]

    operations = [migrations.RunPython(mark_all, migrations.RunPython.noop)]
