"""The audit trail under concurrency (PostgreSQL): no writer waits for another, and the
sealer never seals past a transaction that is still running (privacy.audit)."""

import psycopg2
import pytest
from django.db import connection

from privacy.audit import audit_record, audit_seal, audit_verify
from privacy.models import AuditAction, AuditEvent, AuditSeal

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="transaction ids are PostgreSQL's"),
]


@pytest.fixture
def other_session():
    """A second database session, like another web worker's."""
    params = connection.get_connection_params()
    session = psycopg2.connect(**{k: v for k, v in params.items() if k != "cursor_factory"})
    yield session
    session.rollback()
    session.close()


def _insert_event(session, note: str) -> int:
    with session.cursor() as cursor:
        cursor.execute(
            "INSERT INTO privacy_auditevent (at, action, detail) VALUES (now(), %s, %s) RETURNING id",
            [AuditAction.CASE_VIEW, f'{{"note": "{note}"}}'],
        )
        return cursor.fetchone()[0]


def test_an_audited_action_does_not_wait_for_another_open_transaction(other_session):
    _insert_event(other_session, "open")  # and the transaction stays open
    with connection.cursor() as cursor:
        cursor.execute("SET lock_timeout = '1s'")
    try:
        audit_record(actor=None, action=AuditAction.CASE_VIEW, detail={"note": "mine"})
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = 0")
    assert AuditEvent.objects.filter(detail__note="mine").exists()


def test_the_sealer_waits_for_a_running_transaction_and_never_seals_out_of_order(other_session):
    audit_record(actor=None, action=AuditAction.CASE_VIEW, detail={"note": "before"})
    early = _insert_event(other_session, "early")  # running; its id is taken now
    audit_record(actor=None, action=AuditAction.CASE_VIEW, detail={"note": "after"})

    sealed = audit_seal()
    assert sealed == 1  # "before" only: "after" sorts after the running transaction
    assert AuditSeal.objects.count() == 1

    other_session.commit()
    assert audit_seal() == 2  # "early" then "after", in transaction order
    result = audit_verify()
    assert (result.ok, result.checked, result.unsealed) == (True, 3, 0)
    assert AuditEvent.objects.filter(pk=early).exists()
