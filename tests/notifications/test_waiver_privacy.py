"""A waiver's reason is free text by a person, so it is encrypted at rest like every free text (DESIGN §5)."""

import importlib

import pytest
from django.apps import apps
from django.db import connection

from notifications.models import Deadline
from notifications.services.clocks import deadline_waive
from tests.privacy.helpers import raw_values

pytestmark = pytest.mark.django_db

REASON = "Ахметова Сауле told the police herself at 09:10."
MIGRATION = importlib.import_module("notifications.migrations.0005_notice_routes_data")


@pytest.fixture
def deadline(persona, file_case):
    case = file_case(persona("kz-coordinator"), "kz-school-1")
    return Deadline.objects.get(case=case, rule__code="kz.committee_notice")


def test_a_waiver_reason_is_not_stored_in_plain_text(persona, deadline):
    """Canary: the reason a head types never reaches the table in the clear."""
    deadline_waive(user=persona("kz-head"), deadline=deadline, reason=REASON)
    stored = [v for v in raw_values("notifications_deadline", "waived_reason") if v]
    assert stored and all(v.startswith("v1:") for v in stored)
    assert not any("Ахметова" in v or "09:10" in v for v in stored)
    assert Deadline.objects.get(pk=deadline.pk).waived_reason == REASON


def test_the_migration_encrypts_reasons_written_before_and_can_undo_it(deadline):
    with connection.cursor() as cursor:  # a row as the previous version stored it
        cursor.execute("UPDATE notifications_deadline SET waived_reason = %s WHERE id = %s", [REASON, deadline.pk])
    MIGRATION.encrypt_reasons(apps, None)
    MIGRATION.encrypt_reasons(apps, None)  # a second run leaves sealed values alone
    (stored,) = [v for v in raw_values("notifications_deadline", "waived_reason") if v]
    assert stored.startswith("v1:") and "Ахметова" not in stored
    assert Deadline.objects.get(pk=deadline.pk).waived_reason == REASON

    MIGRATION.decrypt_reasons(apps, None)
    assert [v for v in raw_values("notifications_deadline", "waived_reason") if v] == [REASON]
