"""The audit trail: every action recorded, chained by hashes, append-only (DESIGN §6)."""

import uuid
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.http import Http404

from cases.selectors import case_get_for_user
from privacy.audit import audit_record, audit_verify
from privacy.models import AuditAction, AuditEvent
from tests.privacy.helpers import audit_triggers_disabled

pytestmark = pytest.mark.django_db


def _verify():
    out, err = StringIO(), StringIO()
    call_command("verify_audit", stdout=out, stderr=err)
    return out.getvalue()


def _verify_fails() -> str:
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("verify_audit", stdout=StringIO(), stderr=err)
    return err.getvalue()


@pytest.fixture
def three_cases(persona, file_case):
    coordinator = persona("kz-coordinator")
    return [file_case(coordinator, "kz-school-1") for _ in range(3)]


def test_every_case_creation_is_audited_and_the_chain_verifies(persona, three_cases):
    events = list(AuditEvent.objects.filter(action=AuditAction.CASE_CREATE))
    assert [e.case_id for e in events] == [c.pk for c in three_cases]
    assert {e.actor.username for e in events} == {"kz-coordinator"}
    assert all(e.detail["register_number"] == c.reference for e, c in zip(events, three_cases))
    assert "Audit trail intact: 3 events verified." in _verify()


def test_an_edited_event_is_detected(three_cases):
    middle = AuditEvent.objects.all()[1]
    with audit_triggers_disabled():
        AuditEvent.objects.filter(pk=middle.pk).update(detail={"register_number": "forged"})
    assert f"event #{middle.pk}: content does not match its hash" in _verify_fails()


def test_an_edit_with_a_recomputed_hash_breaks_the_link_to_the_next_event(three_cases):
    from privacy.audit import _digest

    first, second, _ = AuditEvent.objects.all()
    forged = _digest(prev_hash=first.prev_hash, at=first.at, actor_id=None, action=first.action,
                     case_id=first.case_id, detail=first.detail)
    with audit_triggers_disabled():
        AuditEvent.objects.filter(pk=first.pk).update(actor=None, hash=forged)
    assert f"event #{second.pk}: does not follow the event before it" in _verify_fails()


def test_a_deleted_event_in_the_middle_is_detected(three_cases):
    first, middle, last = AuditEvent.objects.all()
    with audit_triggers_disabled():
        AuditEvent.objects.filter(pk=middle.pk).delete()
    assert f"event #{last.pk}: does not follow the event before it" in _verify_fails()


def test_a_deleted_first_event_is_detected(three_cases):
    first, second, _ = AuditEvent.objects.all()
    with audit_triggers_disabled():
        AuditEvent.objects.filter(pk=first.pk).delete()
    assert f"event #{second.pk}: does not follow" in _verify_fails()


def test_a_deleted_last_event_is_detected(three_cases):
    *_, before_last, last = AuditEvent.objects.all()
    with audit_triggers_disabled():
        AuditEvent.objects.filter(pk=last.pk).delete()
    assert f"the chain ends at #{before_last.pk}, but #{last.pk} was written last" in _verify_fails()


# The embedded SQLite default refuses UPDATE only (privacy migration 0002: Django
# empties SQLite test databases with DELETE FROM); a deleted row is still caught
# by the chain (above). PostgreSQL, which production and CI use, refuses both.
refuses_delete = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite keeps no DELETE trigger (see migration 0002)"
)


def _table():
    return connection.ops.quote_name(AuditEvent._meta.db_table)


def test_the_database_refuses_update(three_cases):
    event = AuditEvent.objects.first()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action=AuditAction.CASE_VIEW)
    with pytest.raises(DatabaseError), transaction.atomic():
        event.action = AuditAction.CASE_VIEW
        event.save()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {_table()} SET detail = %s", ['{"x": 1}'])
    assert AuditEvent.objects.get(pk=event.pk).action == AuditAction.CASE_CREATE
    assert audit_verify().ok


@refuses_delete
def test_the_database_refuses_delete(three_cases):
    event = AuditEvent.objects.first()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        event.delete()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {_table()}")
    assert AuditEvent.objects.count() == 3
    assert audit_verify().ok


def test_the_protection_is_back_after_tampering(three_cases):
    event = AuditEvent.objects.first()
    with audit_triggers_disabled():
        AuditEvent.objects.filter(pk=event.pk).update(detail={"x": 1})
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(detail={})
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic():
            AuditEvent.objects.all().delete()


def test_values_that_round_trip_differently_still_verify(persona):
    case_id = uuid.uuid4()
    audit_record(actor=None, action=AuditAction.CASE_VIEW, case_id=str(case_id).upper(),
                 detail={"via": ("web", "api"), 7: "seven"})
    audit_record(actor=persona("kz-head"), action=AuditAction.CASE_VIEW, case_id=case_id.hex)
    assert audit_verify().ok
    assert list(AuditEvent.objects.values_list("case_id", flat=True)) == [case_id, case_id]


class TestRefusedAccess:
    def test_a_user_of_another_school_gets_404_and_the_attempt_is_recorded(self, persona, file_case):
        case = file_case(persona("kz-coordinator"), "kz-school-1")
        outsider = persona("kz-coordinator-2")
        with pytest.raises(Http404):
            case_get_for_user(outsider, case.id)
        refused = AuditEvent.objects.get(action=AuditAction.ACCESS_REFUSED)
        assert (refused.actor, refused.case_id, refused.detail) == (outsider, case.pk, {"perm": "view_case"})
        assert audit_verify().ok

    def test_an_unknown_case_id_is_a_404_recorded_the_same_way(self, persona, demo):
        with pytest.raises(Http404):
            case_get_for_user(persona("kz-police"), uuid.uuid4())
        assert AuditEvent.objects.filter(action=AuditAction.ACCESS_REFUSED, case_id=None).count() == 1

    def test_a_refused_attempt_in_the_browser_is_recorded_too(self, client, persona, file_case):
        from django.urls import reverse

        case = file_case(persona("kz-coordinator"), "kz-school-1")
        client.force_login(persona("kz-police"))
        assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 404
        assert AuditEvent.objects.filter(action=AuditAction.ACCESS_REFUSED, case_id=case.pk).exists()
