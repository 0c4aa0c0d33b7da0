"""A partial index on breached clocks for the dashboards' overdue list (issue #10).

The overdue list (``oversight.selectors.overdue_list``) reads the clocks breached and
still not met, longest overdue first, ``(due_at, id)``-paged. Breached clocks are few
beside all clocks, so the index holds only them: the list walks it in order and stops
after a page. Created here, not in notifications, because only the dashboards need it.
"""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("oversight", "0002_dirty_triggers"),
        ("notifications", "0009_agency_intake_clocks"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS oversight_deadline_breached_idx "
            "ON notifications_deadline (due_at, id) WHERE state = 'breached'",
            "DROP INDEX IF EXISTS oversight_deadline_breached_idx",
        ),
    ]
