"""Support plans: per child and kind, items with owners and due dates whose clocks remind the
owner and escalate through the sweep, the initiator's plan agreed with the parents (KZ §40),
half-yearly reviews (UA V.4), the commission's measures as plan items (UA IV.3, IV.10), and
personal data only encrypted."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from agencies.models import Agency
from cases.services import PartyInput
from config.errors import InputError
from notifications.models import Deadline, DeadlineRule, DeadlineState, Escalation, OutboxMessage
from notifications.services.notices import notice_send
from notifications.services.sweep import deadlines_sweep
from privacy.models import AuditEvent
from support import services
from support.models import PlanItem, PlanStatus, ProgressNote, SupportPlan
from tests.commission.test_case_page import MEASURE, decided  # noqa: F401  (a fixture)
from conftest import make_parties

pytestmark = pytest.mark.django_db

DETAIL = "Бесіда з Ерланом щопонеділка"
NOTE = "Ерлан прийшов на першу зустріч"


def _kz_parties():
    return [*make_parties(), PartyInput(role="initiator", family_name="Серіков", given_name="Дәурен",
                                        birth_date=dt.date(2012, 1, 5), class_name="6А")]


@pytest.fixture
def kz_case(persona, file_case):
    case = file_case(persona("kz-coordinator"), "kz-school-1", parties=_kz_parties())
    # The police hold the case once notified (KZ §18.2): their officers may own items.
    notice_send(user=persona("kz-head"), case=case, channel="phone", to_agency=Agency.objects.get(code="kz-police"))
    return case


def _party(case, role):
    return case.parties.get(role=role)


def _today(case):
    return case.jurisdiction.local_date(timezone.now())


def _clock(subject):
    return Deadline.objects.select_related("rule").get(subject=subject)


def test_the_plan_rules_are_shipped_with_their_sources(demo):
    rules = {r.code: r for r in DeadlineRule.objects.filter(code__contains="support_")}
    assert set(rules) == {"kz.support_item", "ua.support_item", "kz.support_review", "ua.support_review"}
    assert all(r.clock == "given_date" and r.source for r in rules.values())
    assert rules["ua.support_review"].source == "UA IV.3, V.4"


def test_an_item_reminds_its_owner_and_escalates_once_to_the_owner_agency_head(persona, kz_case):
    coordinator, officer = persona("kz-coordinator"), persona("kz-police")
    plan = services.plan_create(user=coordinator, case=kz_case, party=_party(kz_case, "victim"),
                                kind="victim_rehabilitation")
    item = services.plan_item_add(user=coordinator, plan=plan, measure="home_visit", detail=DETAIL,
                                  owner_agency=Agency.objects.get(code="kz-police"), owner=officer,
                                  due_on=_today(kz_case) + dt.timedelta(days=4))
    clock = _clock(item.clock_subject)
    assert clock.rule.code == "kz.support_item" and clock.state == DeadlineState.PENDING
    assert kz_case.jurisdiction.local_date(clock.due_at) == item.due_on
    assert (clock.responsible_agency.code, clock.responsible_user) == ("kz-police", officer)

    with time_machine.travel(clock.started_at + (clock.due_at - clock.started_at) * 0.6, tick=False):
        deadlines_sweep()
        deadlines_sweep()
    reminder = Escalation.objects.get(deadline=clock, kind="reminder")
    recipients = set(OutboxMessage.objects.filter(escalation=reminder).values_list("recipient__username", flat=True))
    # The owner person, not every psychologist of the school; the school's coordinator follows it (KZ §5).
    assert "kz-police" in recipients and "kz-police-2" not in recipients and "kz-psychologist" not in recipients

    with time_machine.travel(clock.due_at + dt.timedelta(minutes=1), tick=False):
        assert deadlines_sweep() >= 1
        deadlines_sweep()
    breach = Escalation.objects.get(deadline=clock, kind="breach")
    recipients = set(OutboxMessage.objects.filter(escalation=breach).values_list("recipient__username", flat=True))
    assert {"kz-police", "kz-police-head"} <= recipients and "kz-police-2" not in recipients
    kz_case.refresh_from_db()
    assert kz_case.is_overdue

    with time_machine.travel(clock.due_at + dt.timedelta(hours=2), tick=False):
        services.plan_item_done(user=officer, item=item)
    clock.refresh_from_db()
    # Met late; the case stays overdue only for its statutory clocks, breached meanwhile.
    assert clock.state == DeadlineState.MET_LATE


def test_marking_done_meets_the_clock_and_only_workers_of_the_item_may(persona, kz_case):
    coordinator = persona("kz-coordinator")
    plan = services.plan_create(user=coordinator, case=kz_case, party=_party(kz_case, "victim"),
                                kind="victim_rehabilitation")
    item = services.plan_item_add(user=coordinator, plan=plan, measure="psychologist", detail="",
                                  owner_agency=kz_case.school, owner=persona("kz-psychologist"),
                                  due_on=_today(kz_case) + dt.timedelta(days=10))
    with pytest.raises(InputError):  # a police officer neither owns it nor drew up the plan
        services.plan_item_done(user=persona("kz-police"), item=item)
    services.plan_item_progress(user=persona("kz-psychologist"), item=item, text=NOTE)
    services.plan_item_done(user=persona("kz-psychologist"), item=item)
    assert _clock(item.clock_subject).state == DeadlineState.MET
    with pytest.raises(InputError):
        services.plan_item_done(user=persona("kz-psychologist"), item=item)


def test_an_initiators_plan_runs_only_once_the_parents_agreed(persona, kz_case):
    coordinator = persona("kz-coordinator")
    initiator = _party(kz_case, "initiator")
    with pytest.raises(InputError) as refused:
        services.plan_create(user=coordinator, case=kz_case, party=initiator, kind="victim_rehabilitation")
    assert "party" in refused.value.errors
    plan = services.plan_create(user=coordinator, case=kz_case, party=initiator, kind="initiator_adaptation")
    assert plan.status == PlanStatus.DRAFT
    item = services.plan_item_add(user=coordinator, plan=plan, measure="cause_conversation", detail="",
                                  owner_agency=kz_case.school, owner=persona("kz-psychologist"),
                                  due_on=_today(kz_case) + dt.timedelta(days=7))
    assert not Deadline.objects.filter(subject__in=[item.clock_subject, plan.review_subject]).exists()
    with pytest.raises(InputError):
        services.plan_item_done(user=persona("kz-psychologist"), item=item)
    with pytest.raises(InputError) as refused:  # only the agency that drew up the plan records it
        services.plan_agree(user=persona("kz-police"), plan=plan, agreed_on=_today(kz_case))
    services.plan_agree(user=coordinator, plan=plan, agreed_on=_today(kz_case))
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ACTIVE
    assert _clock(item.clock_subject).state == DeadlineState.PENDING
    assert _clock(plan.review_subject).rule.code == "kz.support_review"
    with pytest.raises(InputError) as refused:  # one plan per child and kind
        services.plan_create(user=coordinator, case=kz_case, party=initiator, kind="initiator_adaptation")
    assert "party" in refused.value.errors


def test_a_review_meets_the_review_clock_and_opens_the_next(persona, file_case):
    coordinator = persona("ua-coordinator")
    case = file_case(coordinator, "ua-school-1")
    plan = services.plan_create(user=coordinator, case=case, party=_party(case, "victim"), kind="ua_measures")
    first = _clock(plan.review_subject)
    # The review's reminder goes to whoever drew up the plan, breach to their agency's head.
    assert first.rule.code == "ua.support_review" and first.responsible_user == coordinator
    assert first.responsible_agency == case.school
    assert plan.next_review_on == services.add_months(_today(case), 6)  # UA V.4: half-yearly
    services.plan_review(user=coordinator, plan=plan, note=NOTE)
    plan.refresh_from_db()
    first.refresh_from_db()
    assert first.state == DeadlineState.MET and plan.reviews_held == 1
    second = _clock(plan.review_subject)
    assert second.state == DeadlineState.PENDING and case.jurisdiction.local_date(second.due_at) == plan.next_review_on
    with pytest.raises(InputError) as refused:
        services.plan_review(user=coordinator, plan=plan, note="  ")
    assert "note" in refused.value.errors


def test_the_commissions_measures_become_plan_items_once(persona, decided):  # noqa: F811
    case, _meeting = decided
    coordinator = persona("ua-coordinator")
    plan = services.plan_create(user=coordinator, case=case, party=_party(case, "victim"), kind="ua_measures")
    [item] = services.plan_items_from_monitoring(user=coordinator, plan=plan)
    assert item.measure == "commission_measure" and item.owner == persona("ua-psychologist")
    assert PlanItem.objects.get(pk=item.pk).detail == MEASURE
    assert _clock(item.clock_subject).rule.code == "ua.support_item"
    with pytest.raises(InputError):  # the measure is in a plan: not twice
        services.plan_items_from_monitoring(user=coordinator, plan=plan)
    services.plan_item_done(user=persona("ua-psychologist"), item=item)
    item.monitoring_item.refresh_from_db()
    assert item.monitoring_item.done_at is not None


def test_free_text_is_stored_encrypted_and_kept_out_of_the_audit(persona, kz_case):
    coordinator = persona("kz-coordinator")
    plan = services.plan_create(user=coordinator, case=kz_case, party=_party(kz_case, "victim"),
                                kind="victim_rehabilitation")
    item = services.plan_item_add(user=coordinator, plan=plan, measure="other", detail=DETAIL,
                                  owner_agency=kz_case.school, owner=persona("kz-psychologist"),
                                  due_on=_today(kz_case) + dt.timedelta(days=3))
    note = services.plan_item_progress(user=coordinator, item=item, text=NOTE)
    with connection.cursor() as cursor:
        cursor.execute("SELECT detail FROM support_planitem WHERE id = %s", [item.pk])
        stored_detail = cursor.fetchone()[0]
        cursor.execute("SELECT text FROM support_progressnote WHERE id = %s", [note.pk])
        stored_note = cursor.fetchone()[0]
    assert DETAIL not in stored_detail and NOTE not in stored_note
    assert ProgressNote.objects.get(pk=note.pk).text == NOTE
    details = " ".join(str(e.detail) for e in AuditEvent.objects.filter(case_id=kz_case.pk))
    assert DETAIL not in details and NOTE not in details and "Ерлан" not in details


def test_the_case_page_shows_plans_and_a_refused_item_saves_nothing(client, persona, kz_case):
    coordinator = persona("kz-coordinator")
    plan = services.plan_create(user=coordinator, case=kz_case, party=_party(kz_case, "victim"),
                                kind="victim_rehabilitation")
    services.plan_item_add(user=coordinator, plan=plan, measure="home_visit", detail=DETAIL,
                           owner_agency=kz_case.school, owner=persona("kz-social-pedagogue"),
                           due_on=_today(kz_case) + dt.timedelta(days=3))
    client.force_login(coordinator)
    page = client.get(reverse("cases:detail", args=[kz_case.pk])).content.decode()
    assert f'id="plan-{plan.pk}"' in page and DETAIL in page
    prefix = f"i{plan.pk.hex[:8]}"
    response = client.post(reverse("support:item_new", args=[kz_case.pk, plan.pk]), {
        f"{prefix}-measure": "other", f"{prefix}-detail": "",
        f"{prefix}-owner": f"{kz_case.school_id}:{persona('kz-psychologist').pk}",
        f"{prefix}-due_on": (_today(kz_case) - dt.timedelta(days=1)).isoformat()})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Describe the measure." in body and "The due date cannot be in the past." in body
    assert plan.items.count() == 1
    response = client.post(reverse("support:plan_new", args=[kz_case.pk]), {"party": "", "kind": ""})
    assert response.status_code == 400 and SupportPlan.objects.filter(case=kz_case).count() == 1


def test_my_plan_items_lists_the_owners_open_items_overdue_first(client, persona, kz_case):
    coordinator, psychologist = persona("kz-coordinator"), persona("kz-psychologist")
    plan = services.plan_create(user=coordinator, case=kz_case, party=_party(kz_case, "victim"),
                                kind="victim_rehabilitation")
    later = services.plan_item_add(user=coordinator, plan=plan, measure="psychologist", detail="",
                                   owner_agency=kz_case.school, owner=psychologist,
                                   due_on=_today(kz_case) + dt.timedelta(days=9))
    sooner = services.plan_item_add(user=coordinator, plan=plan, measure="skills_work", detail="",
                                    owner_agency=kz_case.school, owner=psychologist,
                                    due_on=_today(kz_case) + dt.timedelta(days=2))
    client.force_login(psychologist)
    rows = client.get(reverse("api-support-my-items")).json()
    assert [r["id"] for r in rows] == [str(sooner.pk), str(later.pk)]
    assert all(r["detail"] is None for r in rows)
    client.force_login(persona("kz-police"))
    assert client.get(reverse("api-support-my-items")).json() == []
    assert client.get(reverse("support:my_items")).status_code == 200


def test_the_api_creates_a_plan_and_an_item_and_answers_400_per_field(persona, kz_case):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_login(persona("kz-coordinator"))
    url = reverse("api-support-plans", args=[kz_case.pk])
    bad = client.post(url, {"party": str(_party(kz_case, "victim").pk), "kind": "ua_measures"}, format="json")
    assert bad.status_code == 400 and "kind" in bad.json()
    created = client.post(url, {"party": str(_party(kz_case, "victim").pk), "kind": "victim_rehabilitation"},
                          format="json")
    assert created.status_code == 201
    plan_id = created.json()["id"]
    item = client.post(reverse("api-support-plan-items", args=[kz_case.pk, plan_id]), {
        "measure": "home_visit", "owner_agency": kz_case.school_id, "owner": persona("kz-social-pedagogue").pk,
        "due_on": (_today(kz_case) + dt.timedelta(days=5)).isoformat()}, format="json")
    assert item.status_code == 201
    done = client.post(reverse("api-support-item-done", args=[kz_case.pk, item.json()["id"]]), {}, format="json")
    assert done.status_code == 200 and done.json()["done_at"]
    listed = client.get(url).json()
    assert listed[0]["items"][0]["done_at"]


def test_a_case_with_a_plan_still_running_can_be_closed(persona, kz_case):
    """The lead's story: a plan with two items, one done; the case closes, the support goes on."""
    from cases.services import case_close

    coordinator = persona("kz-coordinator")
    plan = services.plan_create(user=coordinator, case=kz_case, party=_party(kz_case, "victim"),
                                kind="victim_rehabilitation")
    first, second = (services.plan_item_add(user=coordinator, plan=plan, measure=measure, detail="",
                                            owner_agency=kz_case.school, owner=persona("kz-psychologist"),
                                            due_on=_today(kz_case) + dt.timedelta(days=days))
                     for measure, days in (("psychologist", 10), ("extra_curricular", 12)))
    services.plan_item_done(user=persona("kz-psychologist"), item=first)
    # Three days on, the statutory clocks are breached (on record, no longer running).
    with time_machine.travel(timezone.now() + dt.timedelta(days=3), tick=False):
        deadlines_sweep()
        case_close(user=coordinator, case=kz_case, outcome="handled", reason="Көмек көрсетілді")
    kz_case.refresh_from_db()
    assert kz_case.status == "closed"
    assert _clock(second.clock_subject).state == DeadlineState.PENDING


def test_only_the_agency_that_added_an_item_changes_it_and_its_clock_follows(persona, kz_case):
    coordinator = persona("kz-coordinator")
    plan = services.plan_create(user=coordinator, case=kz_case, party=_party(kz_case, "victim"),
                                kind="victim_rehabilitation")
    item = services.plan_item_add(user=coordinator, plan=plan, measure="home_visit", detail="",
                                  owner_agency=kz_case.school, owner=persona("kz-social-pedagogue"),
                                  due_on=_today(kz_case) + dt.timedelta(days=3))
    police = Agency.objects.get(code="kz-police")
    later = _today(kz_case) + dt.timedelta(days=20)
    with pytest.raises(InputError):
        services.plan_item_update(user=persona("kz-police"), item=item, owner_agency=police,
                                  owner=persona("kz-police"), due_on=later)
    with pytest.raises(InputError) as refused:  # the owner must work the case for that agency
        services.plan_item_update(user=coordinator, item=item, owner_agency=police,
                                  owner=persona("kz-psychologist"), due_on=later)
    assert "owner" in refused.value.errors
    services.plan_item_update(user=persona("kz-head"), item=item, owner_agency=police,
                              owner=persona("kz-police"), due_on=later)
    clock = _clock(item.clock_subject)
    assert kz_case.jurisdiction.local_date(clock.due_at) == later
    assert (clock.responsible_agency, clock.responsible_user) == (police, persona("kz-police"))


def test_an_overdue_item_is_badged_on_the_case_page_and_first_in_my_items(client, persona, kz_case):
    coordinator, pedagogue = persona("kz-coordinator"), persona("kz-social-pedagogue")
    plan = services.plan_create(user=coordinator, case=kz_case, party=_party(kz_case, "victim"),
                                kind="victim_rehabilitation")
    later = services.plan_item_add(user=coordinator, plan=plan, measure="psychologist", detail="",
                                   owner_agency=kz_case.school, owner=pedagogue,
                                   due_on=_today(kz_case) + dt.timedelta(days=30))
    late = services.plan_item_add(user=coordinator, plan=plan, measure="home_visit", detail="",
                                  owner_agency=kz_case.school, owner=pedagogue, due_on=_today(kz_case))
    with time_machine.travel(timezone.now() + dt.timedelta(days=2), tick=False):
        client.force_login(pedagogue)  # two days on: a session from before has timed out (accounts)
        page = client.get(reverse("support:case_plans", args=[kz_case.pk])).content.decode()
        mine = client.get(reverse("support:my_items")).content.decode()
    row = page[page.index(f'id="item-{late.pk}"'):]
    assert 'class="plan-item overdue"' in row[:row.index(">")]
    assert "Overdue" in row[:row.index("</tr>")]
    later_row = page[page.index(f'id="item-{later.pk}"'):]
    assert "Overdue" not in later_row[:later_row.index("</tr>")]
    assert mine.index(f"#item-{late.pk}") < mine.index(f"#item-{later.pk}")
