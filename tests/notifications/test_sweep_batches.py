"""The sweep works in batches whose cost does not grow with the rows in them (issue #8).

A backlog after an outage is thousands of due clocks: a query per row (the
escalation's recipients, its audit event, its outbox rows, its case) made the
sweep cost ~10 ms per clock. A batch now costs a fixed number of statements.
"""

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.models import Case
from notifications.models import Deadline, Escalation, OutboxMessage
from notifications.services import sweep
from privacy.models import AuditEvent

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def sweep_two_hours_later():
    with time_machine.travel(timezone.now() + dt.timedelta(hours=2), tick=False):
        with CaptureQueriesContext(connection) as queries:
            handled = sweep.deadlines_sweep()
    return handled, len(queries)


def test_a_sweep_of_many_cases_costs_the_statements_of_one(persona, file_case, monkeypatch):
    monkeypatch.setattr(sweep, "delivery_enqueue", lambda: None)
    file_case(persona("kz-coordinator"), "kz-school-1")
    one, one_queries = sweep_two_hours_later()
    for school in ("kz-school-1", "kz-school-2", "kz-school-1", "kz-school-2"):
        coordinator = "kz-coordinator" if school == "kz-school-1" else "kz-coordinator-2"
        file_case(persona(coordinator), school)
    many, many_queries = sweep_two_hours_later()
    assert many == 4 * one
    assert many_queries == one_queries, f"{one} clocks: {one_queries} queries; {many}: {many_queries}"


def test_the_batch_writes_what_one_clock_at_a_time_wrote(persona, file_case, monkeypatch):
    monkeypatch.setattr(sweep, "delivery_enqueue", lambda: None)
    cases = [file_case(persona("kz-coordinator"), "kz-school-1") for _ in range(3)]
    handled, _queries = sweep_two_hours_later()
    breached = list(Deadline.objects.filter(case__in=cases, state="breached").select_related("rule", "case__school"))
    assert len(breached) == handled > 0
    assert all(Case.objects.get(pk=c.pk).is_overdue for c in cases)
    assert AuditEvent.objects.filter(action="deadline_breach").count() == handled
    for deadline in breached:
        escalation = Escalation.objects.get(deadline=deadline, kind="breach")
        users = sweep.ladder_recipients(deadline, deadline.rule.escalation_ladder)
        got = set(OutboxMessage.objects.filter(escalation=escalation).values_list("recipient_id", "channel"))
        assert got == {(u.pk, "in_app") for u in users} | {(u.pk, "email") for u in users if u.email}
        assert {u.username for u in users} >= {"kz-coordinator", "kz-regional-ombudsman"}


def run_python(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", "import django, sys; django.setup(); " + code], cwd=ROOT,
                          capture_output=True, text=True, env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"})
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_the_clocks_need_nothing_from_case_services():
    """cases.services opens clocks through notifications.services.clocks; that module must not
    import cases.services back (no import circle), whichever is imported first."""
    run_python("import cases.services; import notifications.services.clocks")
    run_python("import notifications.services.clocks; import cases.services")
    assert run_python("import notifications.services.clocks; print('cases.services' in sys.modules)") == "False"
