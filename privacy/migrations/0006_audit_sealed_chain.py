"""The audit chain moves from the events into seals (privacy.audit).

Before: each event carried the hash of the one before it, so every write took
one global row lock. After: an event is a plain INSERT that records its
transaction's id, and a sealer chains committed events in (txid, id) order.
The events written before this migration have txid 0, so the first seal takes
them, in id order. Seals are append-only like the events.
"""

from django.conf import settings
from django.db import migrations, models


PG_UP = """
ALTER TABLE privacy_auditevent ALTER COLUMN txid SET DEFAULT (pg_current_xact_id()::text::bigint);
CREATE TRIGGER privacy_auditseal_append_only
    BEFORE UPDATE OR DELETE ON privacy_auditseal
    FOR EACH ROW EXECUTE FUNCTION privacy_audit_append_only();
"""
PG_DOWN = """
DROP TRIGGER IF EXISTS privacy_auditseal_append_only ON privacy_auditseal;
ALTER TABLE privacy_auditevent ALTER COLUMN txid SET DEFAULT 0;
"""
# SQLite rebuilds a table to drop a column, which drops its triggers: put them back.
SQLITE_UP = [
    "DROP TRIGGER IF EXISTS privacy_auditevent_no_update;",
    "CREATE TRIGGER privacy_auditevent_no_update BEFORE UPDATE ON privacy_auditevent "
    "BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;",
    "CREATE TRIGGER privacy_auditseal_no_update BEFORE UPDATE ON privacy_auditseal "
    "BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;",
]
SQLITE_DOWN = ["DROP TRIGGER IF EXISTS privacy_auditseal_no_update;"]


def forwards(apps, schema_editor):
    # The old chain's head means nothing to the new one: start from the genesis hash.
    apps.get_model("privacy", "AuditChainHead").objects.update(last_hash="0" * 64)
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_UP)
    elif vendor == "sqlite":
        for statement in SQLITE_UP:
            schema_editor.execute(statement)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_DOWN)
    elif vendor == "sqlite":
        for statement in SQLITE_DOWN:
            schema_editor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ('privacy', '0005_audit_actions_wave2'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='AuditSeal',
            fields=[
                ('seq', models.BigIntegerField(primary_key=True, serialize=False)),
                ('last_txid', models.BigIntegerField()),
                ('last_id', models.BigIntegerField()),
                ('count', models.PositiveIntegerField()),
                ('prev_hash', models.CharField(max_length=64)),
                ('hash', models.CharField(max_length=64, unique=True)),
                ('sealed_at', models.DateTimeField()),
            ],
            options={
                'ordering': ['seq'],
            },
        ),
        migrations.RemoveField(
            model_name='auditchainhead',
            name='last_event_id',
        ),
        migrations.RemoveField(
            model_name='auditevent',
            name='hash',
        ),
        migrations.RemoveField(
            model_name='auditevent',
            name='prev_hash',
        ),
        migrations.AddField(
            model_name='auditchainhead',
            name='last_id',
            field=models.BigIntegerField(default=0),
        ),
        migrations.AddField(
            model_name='auditchainhead',
            name='last_seq',
            field=models.BigIntegerField(default=0),
        ),
        migrations.AddField(
            model_name='auditchainhead',
            name='last_txid',
            field=models.BigIntegerField(default=-1),
        ),
        migrations.AddField(
            model_name='auditevent',
            name='txid',
            field=models.BigIntegerField(db_default=0, editable=False),
        ),
        migrations.AddIndex(
            model_name='auditevent',
            index=models.Index(fields=['txid', 'id'], name='audit_chain_order_idx'),
        ),
        migrations.RunPython(forwards, backwards),
    ]
