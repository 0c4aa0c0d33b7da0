from django.db import migrations, models


def open_invitations_keep_their_old_grant(apps, schema_editor):
    """Invitations made before this field existed granted both read permissions."""
    Invitation = apps.get_model("commission", "Invitation")
    Invitation.objects.filter(revoked_at__isnull=True).update(
        granted_perms=["view_case", "view_case_identity"])


class Migration(migrations.Migration):

    dependencies = [
        ("commission", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="invitation",
            name="granted_perms",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.RunPython(open_invitations_keep_their_old_grant, migrations.RunPython.noop),
    ]
