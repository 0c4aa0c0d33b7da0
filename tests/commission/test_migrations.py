"""The migration that encrypts the commission's free text seals the rows already there."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.privacy.helpers import raw_values

BEFORE = [("commission", "0002_invitation_granted_perms")]
AFTER = [("commission", "0003_encrypt_free_text_and_meeting_notices")]


@pytest.mark.django_db(transaction=True)
def test_existing_plain_places_reasons_and_measures_are_sealed(demo, persona, file_case):
    from commission.models import Meeting, MonitoringItem

    case = file_case(persona("ua-coordinator"), "ua-school-1")
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        old = executor.loader.project_state(BEFORE).apps
        OldMeeting, OldDecision = old.get_model("commission", "Meeting"), old.get_model("commission", "Decision")
        composition = old.get_model("commission", "Composition").objects.order_by("-id").first()
        meeting = OldMeeting.objects.create(
            commission_id=composition.commission_id, composition_id=composition.pk, starts_at=case.received_at,
            place="Кабінет 5, мама Петрика", late_reason="Хворіє Петрик", scheduled_by_id=persona("ua-secretary").pk)
        item = old.get_model("commission", "AgendaItem").objects.create(meeting=meeting, case_id=case.pk)
        decision = OldDecision.objects.create(agenda_item=item, bullying_confirmed=True,
                                              recorded_by_id=persona("ua-secretary").pk, recorded_at=case.received_at)
        old.get_model("commission", "MonitoringItem").objects.create(
            decision=decision, description="Бесіди з Петриком", owner_id=persona("ua-psychologist").pk,
            due_date=case.received_at.date())
        assert raw_values("commission_meeting", "place") == ["Кабінет 5, мама Петрика"]

        executor = MigrationExecutor(connection)
        executor.migrate(AFTER)
        for table, column in (("commission_meeting", "place"), ("commission_meeting", "late_reason"),
                              ("commission_monitoringitem", "description")):
            assert all(v.startswith("v1:") for v in raw_values(table, column)), (table, column)
        migrated = Meeting.objects.get(pk=meeting.pk)
        assert (migrated.place, migrated.late_reason) == ("Кабінет 5, мама Петрика", "Хворіє Петрик")
        assert MonitoringItem.objects.get().description == "Бесіди з Петриком"

        # Back and forth: the values come back as plain text and are sealed again, never twice.
        executor = MigrationExecutor(connection)
        executor.migrate(BEFORE)
        assert raw_values("commission_meeting", "place") == ["Кабінет 5, мама Петрика"]
    finally:
        MigrationExecutor(connection).migrate(executor.loader.graph.leaf_nodes())
