"""A case opens its protocol's clocks; the sweep reminds and escalates exactly once."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from agencies.models import Agency
from notifications.models import Deadline, DeadlineState, Escalation, OutboxMessage
from notifications.services.notices import notice_send
from notifications.services.outbox import outbox_deliver
from notifications.services.sweep import deadlines_sweep

pytestmark = pytest.mark.django_db


def rules_of(case):
    return {d.rule.code: d for d in Deadline.objects.filter(case=case).select_related("rule")}


ONE_HOUR_RULES = {"kz.guardianship_notice", "kz.committee_notice", "kz.police_notice", "kz.ombudsman_notice",
                  "kz.authorities_notice"}


def test_a_kz_case_opens_its_one_hour_clocks(persona, file_case):
    case = file_case(persona("kz-coordinator"), "kz-school-1")
    deadlines = rules_of(case)
    assert set(deadlines) == ONE_HOUR_RULES | {"kz.minors_commission_notice"}
    assert all(deadlines[code].due_at == case.received_at + dt.timedelta(hours=1) for code in ONE_HOUR_RULES)
    # KZ §24 sets no term: the protocol gives the numbered notice to the commission a day.
    assert deadlines["kz.minors_commission_notice"].due_at == case.received_at + dt.timedelta(hours=24)


def test_a_ua_case_opens_24_hour_and_working_day_clocks(persona, file_case):
    case = file_case(persona("ua-coordinator"), "ua-school-1")
    codes = [d.rule.code for d in Deadline.objects.filter(case=case)]
    # one parent notice per minor party: the demo case has one minor (the victim)
    assert sorted(codes) == sorted(["ua.police_notice", "ua.parent_notice", "ua.children_service_notice",
                                    "ua.social_centre_notice", "ua.commission_meeting", "ua.case_decision"])


def test_a_notice_to_the_guardianship_authority_meets_its_clock_and_shares_the_case(persona, file_case):
    head = persona("kz-head")
    case = file_case(persona("kz-coordinator"), "kz-school-1")
    notice_send(user=head, case=case, channel="phone", to_agency=Agency.objects.get(code="kz-guardianship"))
    deadline = rules_of(case)["kz.guardianship_notice"]
    assert deadline.state == DeadlineState.MET
    assert persona("kz-guardianship").has_perm("cases.view_case", case)


def test_the_sweep_breaches_once_and_the_outbox_is_delivered_once(persona, file_case):
    case = file_case(persona("kz-coordinator"), "kz-school-1")
    with time_machine.travel(timezone.now() + dt.timedelta(hours=2), tick=False):
        first = deadlines_sweep()
        again = deadlines_sweep()
        assert first == len(ONE_HOUR_RULES) and again == 0
        assert Escalation.objects.filter(kind="breach").count() == len(ONE_HOUR_RULES)
        pending = OutboxMessage.objects.filter(status="pending").count()
        assert pending > 0
        assert outbox_deliver() == pending and outbox_deliver() == 0
    assert all(rules_of(case)[code].state == DeadlineState.BREACHED for code in ONE_HOUR_RULES)
