"""The case list marks a case whose statutory clock has passed, in the list's own query."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from notifications.models import Deadline, DeadlineState
from notifications.services.sweep import deadlines_sweep

pytestmark = pytest.mark.django_db


def _list(client):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("cases:list"))
    assert response.status_code == 200
    return response.content.decode(), len(ctx.captured_queries)


def test_overdue_cases_are_marked_at_no_cost_per_row(client, persona, file_case):
    coordinator = persona("kz-coordinator")
    client.force_login(coordinator)
    on_time = file_case(coordinator, "kz-school-1")
    html, few = _list(client)
    assert 'class="badge overdue"' not in html

    breached = file_case(coordinator, "kz-school-1")
    past_due = file_case(coordinator, "kz-school-1")  # the sweep marks it when it breaches the clock
    a_minute_ago = timezone.now() - dt.timedelta(minutes=1)
    Deadline.objects.filter(case__in=[breached, past_due], state=DeadlineState.PENDING).update(
        due_at=a_minute_ago, next_check_at=a_minute_ago)
    deadlines_sweep()
    for _ in range(20):
        file_case(coordinator, "kz-school-1")
    html, many = _list(client)
    assert many == few
    rows = {ref: html[html.index(ref):].split("</tr>")[0] for ref in (on_time.reference, breached.reference,
                                                                      past_due.reference)}
    assert "badge overdue" in rows[breached.reference] and "badge overdue" in rows[past_due.reference]
    assert "badge overdue" not in rows[on_time.reference]
