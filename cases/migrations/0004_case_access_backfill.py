"""Fill the access table from the view grants that guardian already holds (DESIGN §4)."""

from django.db import migrations

BACKFILL = """
INSERT INTO cases_caseaccess (case_id, {grantee}_id, received_at, status, is_urgent, is_overdue)
SELECT g.content_object_id, g.{grantee}_id, c.received_at, c.status, c.is_urgent, c.is_overdue
  FROM cases_case{grantee}objectpermission g
  JOIN cases_case c ON c.id = g.content_object_id
  JOIN auth_permission p ON p.id = g.permission_id
  JOIN django_content_type ct ON ct.id = p.content_type_id
 WHERE ct.app_label = 'cases' AND p.codename = 'view_case'
ON CONFLICT DO NOTHING
"""


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0003_case_access"),
    ]

    operations = [
        migrations.RunSQL(BACKFILL.format(grantee="group"), migrations.RunSQL.noop),
        migrations.RunSQL(BACKFILL.format(grantee="user"), migrations.RunSQL.noop),
    ]
