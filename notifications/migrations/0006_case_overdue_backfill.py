"""Mark the cases (and their access rows) that have a breached clock open."""

from django.db import migrations

MARK = """
UPDATE {table} SET is_overdue = TRUE
 WHERE {column} IN (SELECT case_id FROM notifications_deadline WHERE state = 'breached')
"""


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0004_case_access_backfill"),
        ("notifications", "0005_notice_routes_data"),
    ]

    operations = [
        migrations.RunSQL(MARK.format(table="cases_case", column="id"), migrations.RunSQL.noop),
        migrations.RunSQL(MARK.format(table="cases_caseaccess", column="case_id"), migrations.RunSQL.noop),
    ]
