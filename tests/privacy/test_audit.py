"""The audit trail: every action recorded, chained by hashes, append-only (DESIGN §6)."""

import datetime as dt
import uuid
from io import StringIO

import time_machine

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.http import Http404
from django.utils import timezone

from cases.selectors import case_get_for_user
from privacy.audit import audit_record, audit_seal, audit_verify
from privacy.models import AuditAction, AuditEvent, AuditSeal
from tests.privacy.helpers import audit_triggers_disabled

pytestmark = pytest.mark.django_db


def _verify(*args):
    out = StringIO()
    call_command("verify_audit", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def _verify_fails() -> str:
    err = StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("verify_audit", stdout=StringIO(), stderr=err)
    return err.getvalue() + str(failure.value)


@pytest.fixture
def three_cases(persona, file_case):
    """Three reports, each in a seal of its own."""
    coordinator = persona("kz-coordinator")
    cases = []
    for _ in range(3):
        cases.append(file_case(coordinator, "kz-school-1"))
        audit_seal()
    return cases


def _creations():
    return list(AuditEvent.objects.filter(action=AuditAction.CASE_CREATE).order_by("id"))


def test_every_case_creation_is_audited_and_the_sealed_chain_verifies(persona, three_cases):
    events = _creations()
    assert [e.case_id for e in events] == [c.pk for c in three_cases]
    assert {e.actor.username for e in events} == {"kz-coordinator"}
    assert all(e.detail["register_number"] == c.reference for e, c in zip(events, three_cases))
    total = AuditEvent.objects.count()
    assert f"Audit trail intact: {total} events verified in 3 seals; 0 unsealed." in _verify()


def test_unsealed_events_are_reported_as_the_tail_until_the_sealer_runs(persona, file_case):
    file_case(persona("kz-coordinator"), "kz-school-1")
    written = AuditEvent.objects.count()
    result = audit_verify()
    assert (result.ok, result.checked, result.unsealed) == (True, 0, written)
    assert audit_seal() == written
    result = audit_verify()
    assert (result.ok, result.checked, result.unsealed) == (True, written, 0)
    assert audit_seal() == 0  # nothing is sealed twice


def test_a_tail_older_than_the_bound_fails_verification(settings, persona, file_case):
    settings.AUDIT_SEAL_MAX_LAG_SECONDS = 60
    with time_machine.travel(timezone.now() - dt.timedelta(minutes=5)):
        file_case(persona("kz-coordinator"), "kz-school-1")
    assert "the unsealed tail is too old" in _verify_fails()
    assert "0 unsealed" in _verify("--seal")


def test_an_edited_event_is_detected(three_cases):
    middle = _creations()[1]
    with audit_triggers_disabled():
        AuditEvent.objects.filter(pk=middle.pk).update(detail={"register_number": "forged"})
    assert "seal #2: the events up to event" in _verify_fails()


def test_a_deleted_event_is_detected(three_cases):
    middle = _creations()[1]
    with audit_triggers_disabled():
        AuditEvent.objects.filter(pk=middle.pk).delete()
    assert "seal #2 covers" in _verify_fails()


def test_a_forged_event_inserted_into_a_sealed_range_is_detected(three_cases):
    first = _creations()[0]
    # Sorting before the first seal's events: as if written long ago.
    AuditEvent.objects.create(at=first.at, action=AuditAction.CASE_VIEW, case_id=first.case_id, txid=-1)
    assert "seal #1 covers" in _verify_fails()


def test_a_deleted_seal_is_detected(three_cases):
    with audit_triggers_disabled():
        AuditSeal.objects.filter(seq=2).delete()
    problems = _verify_fails()
    assert "seals #2 to #2 are missing" in problems


def test_a_deleted_last_seal_is_detected(three_cases):
    with audit_triggers_disabled():
        AuditSeal.objects.filter(seq=3).delete()
    assert "the chain ends at seal #2, but #3 was written last" in _verify_fails()


def test_a_recomputed_seal_breaks_the_link_to_the_next(three_cases):
    from privacy.audit import _seal_hash

    first = AuditSeal.objects.get(seq=1)
    events = AuditEvent.objects.filter(id__lte=first.last_id).order_by("txid", "id")
    with audit_triggers_disabled():
        AuditEvent.objects.filter(pk=_creations()[0].pk).update(detail={"register_number": "forged"})
        digest, _ = _seal_hash(seq=1, prev_hash=first.prev_hash, events=events)
        AuditSeal.objects.filter(seq=1).update(hash=digest)
    assert "seal #2 does not follow the seal before it" in _verify_fails()


# The embedded SQLite default refuses UPDATE only (privacy migration 0002: Django
# empties SQLite test databases with DELETE FROM); a deleted row is still caught
# by the chain (above). PostgreSQL, which production and CI use, refuses both.
refuses_delete = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite keeps no DELETE trigger (see migration 0002)"
)


def _table(model=AuditEvent):
    return connection.ops.quote_name(model._meta.db_table)


def test_the_database_refuses_update(three_cases):
    event = AuditEvent.objects.first()
    original = event.action
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action=AuditAction.CASE_VIEW)
    with pytest.raises(DatabaseError), transaction.atomic():
        event.action = AuditAction.CASE_VIEW
        event.save()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {_table()} SET detail = %s", ['{"x": 1}'])
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditSeal.objects.filter(seq=1).update(hash="0" * 64)
    assert AuditEvent.objects.get(pk=event.pk).action == original
    assert audit_verify().ok


@refuses_delete
def test_the_database_refuses_delete(three_cases):
    count = AuditEvent.objects.count()
    event = AuditEvent.objects.first()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        event.delete()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {_table()}")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {_table(AuditSeal)}")
    assert AuditEvent.objects.count() == count
    assert AuditSeal.objects.count() == 3
    assert audit_verify().ok


def test_the_protection_is_back_after_tampering(three_cases):
    event = AuditEvent.objects.first()
    with audit_triggers_disabled():
        AuditEvent.objects.filter(pk=event.pk).update(detail={"x": 1})
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(detail={})
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditSeal.objects.filter(seq=1).update(count=0)
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic():
            AuditEvent.objects.all().delete()


def test_values_that_round_trip_differently_still_verify(persona):
    audit_seal()  # what the demo world wrote
    before = audit_verify().checked
    case_id = uuid.uuid4()
    audit_record(actor=None, action=AuditAction.CASE_VIEW, case_id=str(case_id).upper(),
                 detail={"via": ("web", "api"), 7: "seven"})
    audit_record(actor=persona("kz-head"), action=AuditAction.CASE_VIEW, case_id=case_id.hex)
    audit_seal()
    result = audit_verify()
    assert (result.ok, result.checked) == (True, before + 2)
    assert list(AuditEvent.objects.filter(case_id__isnull=False).values_list("case_id", flat=True)) == [
        case_id, case_id]


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
