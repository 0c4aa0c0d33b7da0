"""Clocks of a case an agency received itself (KZ §18.2, §18.3, §20.2, §26.1), a clock's
responsible agency given the case when its clock starts (KZ §45), and the case page naming a
clock's own owner."""

import datetime as dt
import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from agencies.models import Agency
from cases import permissions
from cases.services import case_register
from conftest import make_parties
from notifications.models import Deadline, DeadlineState, Escalation, OutboxMessage
from notifications.services.clocks import can_waive
from notifications.services.notices import notice_send
from notifications.services.sweep import deadlines_sweep
from support import services as support
from tests.cases.test_intake_agency import applicant, open_111_case

pytestmark = pytest.mark.django_db

INTAKE_RULES = {"kz.intake_police_notice", "kz.intake_ombudsman_notice"}


def agency(code):
    return Agency.objects.get(code=code)


def clock(case, code):
    return Deadline.objects.select_related("rule", "responsible_agency").get(case=case, rule__code=code)


def send(user, case, to, channel="phone"):
    return notice_send(user=user, case=case, channel=channel, to_agency=agency(to))


def client_of(user):
    client = Client()
    client.force_login(user)
    return client


def test_a_111_case_without_a_school_gets_the_two_intake_clocks_for_the_111_centre(persona):
    case = open_111_case(persona)
    clocks = {d.rule.code: d for d in Deadline.objects.select_related("rule").filter(case=case)}
    assert set(clocks) == INTAKE_RULES
    for deadline in clocks.values():
        assert deadline.responsible_agency == agency("kz-111")
        assert deadline.state == DeadlineState.PENDING
        # "Immediately" in the law (KZ §26.1): the protocol's hour, from receipt.
        assert deadline.started_at == case.received_at
        assert deadline.due_at == case.received_at + dt.timedelta(hours=1)
    # The page no longer says there is nothing to watch.
    page = client_of(persona("kz-111")).get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert 'data-rule="kz.intake_police_notice"' in page and 'data-rule="kz.intake_ombudsman_notice"' in page


def test_a_school_filed_case_has_no_intake_clocks(persona, file_case):
    case = file_case(persona("kz-coordinator"), "kz-school-1")
    assert not Deadline.objects.filter(case=case, rule__code__in=INTAKE_RULES).exists()
    assert Deadline.objects.filter(case=case, rule__code="kz.police_notice").exists()


def test_no_intake_clock_in_ukraine_whose_procedure_binds_schools_only(persona):
    case = case_register(
        user=persona("ua-police"), intake_agency=agency("ua-police"), school=None,
        received_at=timezone.now() - dt.timedelta(minutes=5), incident_at=timezone.now() - dt.timedelta(hours=3),
        channel="written_application", kinds=["bullying"], forms=["psychological"], places=["classroom"],
        description="Заява про цькування.", parties=make_parties(("Коваль", "Андрій")))
    assert not Deadline.objects.filter(case=case).exists()


def test_the_111_centres_notices_to_the_police_and_the_ombudsmen_meet_the_intake_clocks(persona):
    case = open_111_case(persona)
    officer = persona("kz-111")
    send(officer, case, "kz-police")
    # KZ §18.2: 111 need not notify itself; the police were the only other target.
    assert clock(case, "kz.intake_police_notice").state == DeadlineState.MET
    send(officer, case, "kz-bku")
    send(officer, case, "kz-bkou")
    assert clock(case, "kz.intake_ombudsman_notice").state == DeadlineState.PENDING  # the committee too (§18.3)
    send(officer, case, "kz-bkkk")
    met = clock(case, "kz.intake_ombudsman_notice")
    assert met.state == DeadlineState.MET and met.met_at <= met.due_at


def test_another_agencys_notice_does_not_meet_the_intake_agencys_clock(persona):
    case = open_111_case(persona)
    send(persona("kz-111"), case, "kz-police")
    # The police, now holding the case, inform the ombudsmen and the committee: that is their
    # own notice, not the 111 centre's (KZ §18.3), whose clock stays open.
    send(persona("kz-police"), case, "kz-bku")
    send(persona("kz-police"), case, "kz-bkou")
    send(persona("kz-police"), case, "kz-bkkk")
    assert clock(case, "kz.intake_ombudsman_notice").state == DeadlineState.PENDING


def test_a_police_filed_case_counts_the_police_target_as_met(persona):
    case = open_111_case(persona, user=persona("kz-police"), intake_agency=agency("kz-police"),
                         channel="written_application", parties=make_parties())
    police_clock = clock(case, "kz.intake_police_notice")
    assert police_clock.responsible_agency == agency("kz-police")
    assert police_clock.state == DeadlineState.PENDING  # 111 still to be told
    send(persona("kz-police"), case, "kz-111")
    assert clock(case, "kz.intake_police_notice").state == DeadlineState.MET


def test_a_breach_escalates_to_the_intake_agencys_people_once(persona):
    case = open_111_case(persona, received_at=timezone.now() - dt.timedelta(minutes=5))
    deadline = clock(case, "kz.intake_ombudsman_notice")
    with time_machine.travel(deadline.due_at + dt.timedelta(minutes=1), tick=False):
        deadlines_sweep()
        sent = OutboxMessage.objects.count()
        deadlines_sweep()
    assert OutboxMessage.objects.count() == sent
    breach = Escalation.objects.get(deadline=deadline, kind="breach")
    recipients = set(OutboxMessage.objects.filter(escalation=breach).values_list("recipient__username", flat=True))
    assert "kz-111" in recipients
    # Not the police, whose kind the rule does not name, nor a school that has no part in the case.
    assert not recipients & {"kz-police", "kz-police-head", "kz-head", "kz-coordinator"}
    assert Escalation.objects.filter(deadline=deadline, kind="breach").count() == 1
    assert clock(case, "kz.intake_ombudsman_notice").state == DeadlineState.BREACHED
    case.refresh_from_db()
    assert case.is_overdue


def test_the_police_head_may_waive_a_police_intake_clock_but_not_a_111_one(persona):
    police_case = open_111_case(persona, user=persona("kz-police"), intake_agency=agency("kz-police"),
                                channel="written_application", parties=make_parties())
    case_111 = open_111_case(persona)
    assert can_waive(persona("kz-police-head"), clock(police_case, "kz.intake_police_notice"))
    assert not can_waive(persona("kz-police-head"), clock(case_111, "kz.intake_police_notice"))


def test_placement_flagged_by_the_school_shares_the_case_with_the_commission(persona, file_case):
    case = file_case(persona("kz-coordinator"), "kz-school-1")
    commission = persona("kz-minors-commission")
    assert not permissions.has_case_perm(commission, permissions.VIEW, case)
    response = client_of(persona("kz-head")).post(reverse("notifications:event_new", args=[case.pk]),
                                                  {"event": "placement_flagged", "at": ""})
    assert response.status_code in (200, 302)
    assert clock(case, "kz.placement_decision").state == DeadlineState.PENDING
    # The commission answers for KZ §45's twelve hours: it can open the case its reminders link to.
    assert permissions.has_case_perm(commission, permissions.VIEW, case)
    assert client_of(commission).get(reverse("cases:detail", args=[case.pk])).status_code == 200
    # Not the forensic body, whose clock did not start.
    assert not permissions.has_case_perm(persona("kz-forensic"), permissions.VIEW, case)


def test_the_responsible_cell_names_the_owner_person_and_agency(persona, file_case):
    case = file_case(persona("kz-coordinator"), "kz-school-1")
    send(persona("kz-head"), case, "kz-guardianship")
    coordinator, owner = persona("kz-coordinator"), persona("kz-guardianship")
    plan = support.plan_create(user=coordinator, case=case, party=case.parties.get(role="victim"),
                               kind="victim_rehabilitation")
    item = support.plan_item_add(user=coordinator, plan=plan, measure="home_visit", detail="Үйге бару",
                                 owner_agency=agency("kz-guardianship"), owner=owner,
                                 due_on=case.jurisdiction.local_date(timezone.now()) + dt.timedelta(days=4))
    deadline = Deadline.objects.get(subject=item.clock_subject)
    html = client_of(coordinator).get(reverse("cases:detail", args=[case.pk])).content.decode()
    row = re.search(rf'<tr id="deadline-{deadline.pk}".*?</tr>', html, re.S).group(0)
    assert agency("kz-guardianship").name in row
    assert owner.get_full_name() in row
    assert "Educational psychologist" not in row
    # A clock with no owner person still shows the rule's role.
    school_row = re.search(r'<tr id="deadline-\d+"[^>]*data-rule="kz.police_notice".*?</tr>', html, re.S).group(0)
    assert "Head" in school_row


def test_the_responsible_cell_of_an_intake_clock_names_the_intake_agency(persona):
    case = open_111_case(persona, parties=[*make_parties(), applicant()])
    html = client_of(persona("kz-111")).get(reverse("cases:detail", args=[case.pk])).content.decode()
    row = re.search(r'<tr id="deadline-\d+"[^>]*data-rule="kz.intake_police_notice".*?</tr>', html, re.S).group(0)
    assert agency("kz-111").name in row


def test_the_api_gives_an_intake_clock_the_intake_agencys_kind(persona):
    from tests.api.clients import client_for

    case = open_111_case(persona, user=persona("kz-police"), intake_agency=agency("kz-police"),
                         channel="written_application", parties=make_parties())
    response = client_for(persona("kz-police")).get(reverse("api-case-deadlines", args=[case.pk]))
    assert response.status_code == 200
    by_rule = {d["rule"]: d for d in response.json()}
    assert set(by_rule) == INTAKE_RULES
    assert by_rule["kz.intake_police_notice"]["responsible"] == {"agency_kind": "police", "role": "officer"}
