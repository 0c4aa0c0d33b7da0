"""`load_demo` gives a new user a living system: what each demo persona meets on first login.

The story is told through the real services (cases, notices, clocks, the commission) and the
real sweep; these tests read it back through the selectors the pages use.
"""

import datetime as dt
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from agencies.demo import USERS
from agencies.models import Agency, AgencyKind
from cases.models import Case
from cases.selectors import case_list_visible_to
from commission.models import Meeting, MeetingStatus
from commission.selectors import meeting_list_visible_to
from notifications.models import Deadline, DeadlineState, Escalation, Notice, OutboxMessage
from notifications.selectors import inbox_for_user, recent_messages
from privacy.models import AuditEvent

pytestmark = pytest.mark.django_db

AGENCY_PERSONAS = ["kz-police", "kz-guardianship", "kz-minors-commission", "kz-111",
                   "ua-police", "ua-children-service", "ua-social-centre"]


def load(*args) -> str:
    out = io.StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def user(username):
    return get_user_model().objects.get(username=username)


def school_personas():
    schools = set(Agency.objects.filter(kind=AgencyKind.SCHOOL).values_list("code", flat=True))
    return [name for name, (agency, _role) in USERS.items() if agency in schools]


def test_a_new_user_meets_a_living_system(demo):
    """One load (it takes seconds), then what each persona meets on first login."""
    output = load()
    school_staff_see_their_cases_with_clocks_in_every_state(output)
    kz_case_needing_placement_runs_the_12_hour_clock()
    agencies_see_shared_cases_and_notices_some_acknowledged()
    heads_bells_hold_reminders_and_breach_alerts_from_the_real_sweep()
    ua_commission_held_a_meeting_with_a_decision_and_has_one_ahead()


def school_staff_see_their_cases_with_clocks_in_every_state(output):
    for username in school_personas():
        assert case_list_visible_to(user(username)).exists(), f"{username} sees no case"
    for school in ("kz-school-1", "kz-school-2", "ua-school-1", "ua-school-2"):
        assert Case.objects.filter(school__code=school).exists()
    for jurisdiction in ("KZ", "UA"):
        states = set(Deadline.objects.filter(case__jurisdiction__code=jurisdiction).values_list("state", flat=True))
        assert {DeadlineState.PENDING, DeadlineState.MET, DeadlineState.BREACHED} <= states, jurisdiction
    # The command lists every demo case by its reference, so the README can describe them.
    for case in Case.objects.all():
        assert case.reference in output
    # Register numbers follow the receipt, received times spread over the last weeks.
    # (in the school's own register: a case the 111 centre opened and linked keeps the centre's number)
    kz1 = list(Case.objects.filter(intake_agency__code="kz-school-1").order_by("received_at"))
    assert [c.register_number for c in kz1] == list(range(1, len(kz1) + 1))
    assert timezone.now() - kz1[0].received_at > dt.timedelta(days=14)


def kz_case_needing_placement_runs_the_12_hour_clock():
    placement = Deadline.objects.get(rule__code="kz.placement_decision", state=DeadlineState.PENDING)
    assert placement.due_at - placement.case.received_at == dt.timedelta(hours=12)
    assert Deadline.objects.filter(rule__code="kz.placement_decision", state=DeadlineState.MET).exists()
    # The minors' commission was told about it and is reminded of the clock.
    officer = user("kz-minors-commission")
    assert inbox_for_user(officer).filter(case=placement.case).exists()
    assert any(m.subject_key == "deadline_reminder" and m.case_id == placement.case_id
               for m in recent_messages(officer))


def agencies_see_shared_cases_and_notices_some_acknowledged():
    for username in AGENCY_PERSONAS:
        officer = user(username)
        assert case_list_visible_to(officer).exists(), f"{username} sees no case"
        inbox = inbox_for_user(officer)
        assert inbox.exists(), f"{username} has an empty inbox"
        assert all(n.case_visible for n in inbox)
    for jurisdiction in ("KZ", "UA"):
        notices = Notice.objects.filter(case__jurisdiction__code=jurisdiction, to_agency__isnull=False)
        assert notices.filter(acknowledged_at__isnull=False).exists()
        assert notices.filter(acknowledged_at__isnull=True).exists()


def heads_bells_hold_reminders_and_breach_alerts_from_the_real_sweep():
    for head in ("kz-head", "ua-head"):
        keys = {m.subject_key for m in recent_messages(user(head))}
        assert {"deadline_reminder", "deadline_breached"} <= keys, head
    assert Escalation.objects.filter(kind="breach").exists() and Escalation.objects.filter(kind="reminder").exists()
    # Delivery ran: no in-app message is left waiting.
    assert not OutboxMessage.objects.filter(channel="in_app", status="pending").exists()


def ua_commission_held_a_meeting_with_a_decision_and_has_one_ahead():
    meetings = list(meeting_list_visible_to(user("ua-head")))
    held = next(m for m in meetings if m.status == MeetingStatus.CLOSED)
    assert held.minutes_order_number and held.decision_communicated_at
    # Held the day it was called: the short notice has its reason (UA IV.6); the applicant was told.
    assert held.short_notice_reason and held.outside_notices.count() == 1
    item = held.agenda.get()
    assert item.decision.bullying_confirmed and item.decision.monitoring.count() == 2
    assert held.attendance.filter(present=True).count() == 7
    question = item.questions.get(is_bullying_confirmation=True)
    assert question.passed and question.votes.filter(choice="against").exclude(dissent="").count() == 1
    upcoming = next(m for m in meetings if m.status == MeetingStatus.SCHEDULED)
    assert upcoming.starts_at > timezone.now() and upcoming.agenda.count() == 2
    # The late case on the agenda carries the recorded reason (UA II.2).
    assert upcoming.late_reason
    assert upcoming.notice_sent_at is None and upcoming.outside_notices.count() == 1
    assert Meeting.objects.count() == 2


def test_a_second_run_adds_nothing_and_no_cases_skips_the_story(demo):
    assert "none added" not in load("--no-cases")
    assert not Case.objects.exists()

    load()
    tables = (Case, Notice, Deadline, Escalation, OutboxMessage, Meeting, AuditEvent)
    before = {model: model.objects.count() for model in tables}
    output = load()
    assert "none added" in output
    assert {model: model.objects.count() for model in tables} == before
