"""Assignment of shared cases to officers (issue #9) and the list filters it brings (issue #8):
"my cases", "unassigned" and the kind of the case.

A KZ school-1 case is shared with the police. The duty officer (or the head) hands it to an
officer, who is told in the bell and by e-mail with the case reference and the agency's name
only; an officer may take an unassigned case and hand it back, but not give it to a colleague.
"""

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from agencies.models import Agency, Membership
from agencies.services import membership_remove
from casework import assignment_selectors
from casework.services.assignment import case_assign
from cases.models import CaseAccess
from cases.selectors import CaseListFilters, case_list_visible_to, case_page
from cases.services import case_share_with_agency
from config.errors import InputError
from notifications import messages
from notifications.models import Channel, OutboxMessage
from notifications.services.outbox import outbox_deliver
from privacy.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
CHILD = ("Ахметов", "Ерлан")


def agency(code):
    return Agency.objects.get(code=code)


def shared(case, *codes):
    for code in codes:
        case_share_with_agency(case=case, agency=agency(code))
    return case


def holder(case, code):
    return CaseAccess.objects.get(case=case, group=agency(code).case_group).assignee


def assignments(case):
    return list(AuditEvent.objects.filter(case_id=case.pk, action=AuditAction.CASE_ASSIGN).order_by("at", "pk"))


def client_for(user):
    client = APIClient()
    client.force_login(user)
    return client


@pytest.fixture
def police_case(persona, file_case):
    return shared(file_case(persona("kz-coordinator"), "kz-school-1"), "kz-police")


# --- The rules --------------------------------------------------------------------------------


def test_the_duty_officer_assigns_and_the_officer_is_told_once_without_personal_data(persona, police_case):
    officer, duty = persona("kz-police"), persona("kz-police-duty")
    officer.email = "officer@police.example"
    officer.save(update_fields=["email"])

    case_assign(user=duty, case=police_case, agency=agency("kz-police"), assignee=officer)

    assert holder(police_case, "kz-police") == officer
    [event] = assignments(police_case)
    assert event.actor == duty
    assert event.detail == {"agency": "kz-police", "assignee": officer.pk, "previous_assignee": None}
    sent = OutboxMessage.objects.filter(case=police_case, subject_key=messages.CASE_ASSIGNED)
    assert sorted(m.channel for m in sent) == [Channel.EMAIL, Channel.IN_APP]
    assert {m.recipient_id for m in sent} == {officer.pk}

    # Giving it to the same officer again changes nothing and tells nobody twice.
    case_assign(user=duty, case=police_case, agency=agency("kz-police"), assignee=officer)
    assert len(assignments(police_case)) == 1
    assert OutboxMessage.objects.filter(case=police_case, subject_key=messages.CASE_ASSIGNED).count() == 2

    outbox_deliver()
    [email] = [m for m in mail.outbox if police_case.reference in m.subject]
    assert email.to == ["officer@police.example"]
    assert agency("kz-police").name in email.subject
    for text in (email.subject, email.body):
        assert not any(name in text for name in CHILD)
        assert "мазақ" not in text  # the description


def test_the_head_reassigns_and_the_new_officer_is_told(persona, police_case):
    first, second = persona("kz-police"), persona("kz-police-2")
    case_assign(user=persona("kz-police-duty"), case=police_case, agency=agency("kz-police"), assignee=first)
    case_assign(user=persona("kz-police-head"), case=police_case, agency=agency("kz-police"), assignee=second)

    assert holder(police_case, "kz-police") == second
    assert assignments(police_case)[-1].detail == {
        "agency": "kz-police", "assignee": second.pk, "previous_assignee": first.pk}
    told = OutboxMessage.objects.filter(case=police_case, subject_key=messages.CASE_ASSIGNED, channel=Channel.IN_APP)
    assert sorted(m.recipient_id for m in told) == sorted([first.pk, second.pk])


def test_the_head_takes_the_case_back_to_unassigned(persona, police_case):
    head = persona("kz-police-head")
    case_assign(user=head, case=police_case, agency=agency("kz-police"), assignee=persona("kz-police"))
    case_assign(user=head, case=police_case, agency=agency("kz-police"), assignee=None)
    row = CaseAccess.objects.get(case=police_case, group=agency("kz-police").case_group)
    assert row.assignee is None
    assert assignments(police_case)[-1].detail["assignee"] is None


def _refused(field, **kwargs):
    with pytest.raises(InputError) as refused:
        case_assign(**kwargs)
    assert list(refused.value.errors) == [field], refused.value.errors
    return refused.value.errors[field][0]


def test_an_officer_may_not_hand_the_case_to_a_colleague(persona, police_case):
    message = _refused("assignee", user=persona("kz-police"), case=police_case, agency=agency("kz-police"),
                       assignee=persona("kz-police-2"))
    assert "head or the duty officer" in message
    assert holder(police_case, "kz-police") is None and not assignments(police_case)


def test_an_officer_takes_an_unassigned_case_and_hands_it_back(persona, police_case):
    officer, colleague = persona("kz-police"), persona("kz-police-2")
    case_assign(user=officer, case=police_case, agency=agency("kz-police"), assignee=officer)
    assert holder(police_case, "kz-police") == officer
    # Nobody needs telling that they took a case themselves.
    assert not OutboxMessage.objects.filter(case=police_case, subject_key=messages.CASE_ASSIGNED).exists()

    message = _refused("assignee", user=colleague, case=police_case, agency=agency("kz-police"), assignee=colleague)
    assert "Another officer holds this case" in message
    _refused("assignee", user=colleague, case=police_case, agency=agency("kz-police"), assignee=None)
    assert holder(police_case, "kz-police") == officer

    case_assign(user=officer, case=police_case, agency=agency("kz-police"), assignee=None)
    assert holder(police_case, "kz-police") is None
    assert [e.detail["assignee"] for e in assignments(police_case)] == [officer.pk, None]


def test_an_agency_that_does_not_hold_the_case_cannot_assign_it(persona, police_case):
    _refused("agency", user=persona("kz-guardianship-head"), case=police_case, agency=agency("kz-guardianship"),
             assignee=persona("kz-guardianship"))
    _refused("agency", user=persona("kz-police-duty"), case=police_case, agency=None, assignee=persona("kz-police"))


def test_only_the_agencys_own_assigning_staff_assign(persona, police_case):
    # The school's coordinator assigns in the school, not in the police.
    _refused("agency", user=persona("kz-coordinator"), case=police_case, agency=agency("kz-police"),
             assignee=persona("kz-police"))
    _refused("agency", user=persona("kz-guardianship-head"), case=police_case, agency=agency("kz-police"),
             assignee=persona("kz-police"))
    assert holder(police_case, "kz-police") is None and not assignments(police_case)


def test_the_assignee_must_work_the_agencys_cases(persona, police_case, django_user_model):
    duty, police = persona("kz-police-duty"), agency("kz-police")
    for outsider in (persona("kz-guardianship"), persona("kz-coordinator")):
        message = _refused("assignee", user=duty, case=police_case, agency=police, assignee=outsider)
        assert "officer of this agency" in message
    gone = persona("kz-police-2")
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    _refused("assignee", user=duty, case=police_case, agency=police, assignee=gone)
    assert holder(police_case, "kz-police") is None and not assignments(police_case)


def test_a_school_coordinator_assigns_within_the_case_team(persona, police_case):
    school = agency("kz-school-1")
    coordinator = persona("kz-coordinator")
    case_assign(user=coordinator, case=police_case, agency=school, assignee=persona("kz-psychologist"))
    assert holder(police_case, "kz-school-1") == persona("kz-psychologist")
    # A class teacher is not on the school's case team.
    _refused("assignee", user=coordinator, case=police_case, agency=school, assignee=persona("kz-teacher"))


def test_who_holds_the_case_and_whom_one_may_assign(persona, police_case):
    case_assign(user=persona("kz-police-duty"), case=police_case, agency=agency("kz-police"),
                assignee=persona("kz-police"))
    holdings = {h.agency.code: h for h in assignment_selectors.case_holdings(police_case)}
    assert set(holdings) == {"kz-school-1", "kz-police"}
    assert holdings["kz-police"].assignee_name == "Асхат Бекболатов"
    assert holdings["kz-police"].assigned_at is not None
    assert holdings["kz-school-1"].assignee is None

    duty = {h.agency.code: h for h in assignment_selectors.assignment_options(persona("kz-police-duty"), police_case)}
    assert duty["kz-police"].may_assign and not duty["kz-school-1"].may_assign
    officers = {u.username for u in duty["kz-police"].officers}
    assert {"kz-police", "kz-police-2", "kz-police-duty", "kz-police-head"} <= officers
    assert not officers & {"kz-guardianship", "kz-coordinator"}

    colleague = {h.agency.code: h for h in assignment_selectors.assignment_options(persona("kz-police-2"), police_case)}
    assert not colleague["kz-police"].may_assign and not colleague["kz-police"].may_take


# --- The list filters -------------------------------------------------------------------------


@pytest.fixture
def police_cases(persona, file_case):
    """Five cases shared with the police, newest first: violence, bullying, violence, bullying, violence;
    the duty officer gives the 1st and 3rd to kz-police and the 2nd to kz-police-2."""
    now, coordinator = timezone.now(), persona("kz-coordinator")
    cases = [shared(file_case(coordinator, "kz-school-1", kinds=["violence" if i % 2 == 0 else "bullying"],
                              received_at=now - dt.timedelta(minutes=10 + i)), "kz-police")
             for i in range(5)]
    duty, police = persona("kz-police-duty"), agency("kz-police")
    for index, username in ((0, "kz-police"), (1, "kz-police-2"), (2, "kz-police")):
        case_assign(user=duty, case=cases[index], agency=police, assignee=persona(username))
    return cases


def refs(rows):
    return [case.reference for case in rows]


def test_my_cases_unassigned_and_kind_through_the_selectors(persona, police_cases):
    officer = persona("kz-police")
    c = police_cases

    def page(user=officer, **filters):
        rows, _cursor = case_page(user, filters=CaseListFilters(**filters))
        return refs(rows)

    assert page(mine=True) == refs([c[0], c[2]])
    assert page(user=persona("kz-police-2"), mine=True) == refs([c[1]])
    assert page(user=persona("kz-police-head"), mine=True) == []
    assert page(unassigned=True) == refs([c[3], c[4]])
    assert page(kind="bullying") == refs([c[1], c[3]])
    assert page(mine=True, kind="violence") == refs([c[0], c[2]])
    assert page(unassigned=True, kind="violence") == refs([c[4]])
    # The school's own row is unassigned for its case team (nobody assigned anything there).
    assert page(user=persona("kz-coordinator"), unassigned=True) == refs(c)
    for filters in ({"mine": True}, {"unassigned": True}, {"kind": "bullying"}, {"mine": True, "kind": "bullying"}):
        expected = page(**filters)
        assert sorted(refs(case_list_visible_to(officer, filters=CaseListFilters(**filters)))) == sorted(expected)


def test_reassigning_moves_the_case_between_the_lists(persona, police_cases):
    case_assign(user=persona("kz-police-head"), case=police_cases[0], agency=agency("kz-police"),
                assignee=persona("kz-police-2"))
    mine, _cursor = case_page(persona("kz-police"), filters=CaseListFilters(mine=True))
    theirs, _cursor = case_page(persona("kz-police-2"), filters=CaseListFilters(mine=True))
    assert refs(mine) == refs([police_cases[2]])
    assert refs(theirs) == refs([police_cases[0], police_cases[1]])


def test_a_filtered_list_pages_with_its_cursor(persona, police_cases):
    officer = persona("kz-police")
    filters = CaseListFilters(unassigned=True)
    case_assign(user=persona("kz-police-duty"), case=police_cases[0], agency=agency("kz-police"), assignee=None)
    first, cursor = case_page(officer, filters=filters, size=2)
    assert refs(first) == refs([police_cases[0], police_cases[3]]) and cursor
    second, cursor = case_page(officer, filters=filters, cursor=cursor, size=2)
    assert refs(second) == refs([police_cases[4]]) and cursor is None

    # The same through the page: the "Older" link keeps the filter.
    client = client_for(officer)
    html = client.get("/cases/?unassigned=1&kind=violence").content.decode()
    assert police_cases[0].reference in html and police_cases[4].reference in html
    assert police_cases[3].reference not in html and police_cases[2].reference not in html


def test_the_list_pages_tabs_and_kind_filter(persona, police_cases):
    client = client_for(persona("kz-police"))
    c = police_cases

    def shown(query):
        response = client.get(reverse("cases:list") + query)
        assert response.status_code == 200
        html = response.content.decode()
        return [case.reference for case in c if case.reference in html]

    assert shown("") == refs(c)
    assert shown("?mine=1") == refs([c[0], c[2]])
    assert shown("?unassigned=1") == refs([c[3], c[4]])
    assert shown("?kind=bullying") == refs([c[1], c[3]])
    assert shown("?mine=1&kind=bullying") == []
    # A kind the list does not know: the list unfiltered.
    assert shown("?kind=gossip") == refs(c)
    html = client.get(reverse("cases:list") + "?mine=1").content.decode()
    assert 'href="?mine=1" class="active" aria-current="page">My cases</a>' in html
    assert 'href="?unassigned=1"' in html


def test_the_list_page_pages_a_filter_with_its_cursor(persona, police_cases, monkeypatch):
    from cases import views

    monkeypatch.setattr(views, "PAGE_SIZE", 1)
    client = client_for(persona("kz-police"))
    html = client.get(reverse("cases:list") + "?mine=1").content.decode()
    assert police_cases[0].reference in html and police_cases[2].reference not in html
    older = html.split('href="?cursor=')[1].split('"')[0].replace("&amp;", "&")
    assert older.endswith("&mine=1")
    html = client.get(reverse("cases:list") + "?cursor=" + older).content.decode()
    assert police_cases[2].reference in html and police_cases[0].reference not in html


def test_the_api_list_filters(persona, police_cases):
    client = client_for(persona("kz-police"))
    c = police_cases

    def listed(query):
        response = client.get(reverse("api-case-list") + query)
        assert response.status_code == 200, response.content
        return [row["reference"] for row in response.json()["results"]]

    assert listed("?mine=1") == refs([c[0], c[2]])
    assert listed("?unassigned=true") == refs([c[3], c[4]])
    assert listed("?kind=violence&mine=1") == refs([c[0], c[2]])
    response = client.get(reverse("api-case-list") + "?mine=1&page_size=1")
    assert [row["reference"] for row in response.json()["results"]] == refs([c[0]])
    nxt = response.json()["next"]
    assert "mine=1" in nxt
    assert [row["reference"] for row in client.get(nxt).json()["results"]] == refs([c[2]])

    bad = client.get(reverse("api-case-list") + "?kind=gossip")
    assert bad.status_code == 400 and list(bad.json()) == ["kind"]
    both = client.get(reverse("api-case-list") + "?mine=1&unassigned=1")
    assert both.status_code == 400 and list(both.json()) == ["unassigned"]


# --- The case page and the API ----------------------------------------------------------------


def test_every_reader_sees_who_holds_the_case(persona, police_case):
    case_assign(user=persona("kz-police-duty"), case=police_case, agency=agency("kz-police"),
                assignee=persona("kz-police"))
    for username in ("kz-coordinator", "kz-police-2", "kz-police-head"):
        html = client_for(persona(username)).get(reverse("cases:detail", args=[police_case.pk])).content.decode()
        assert "Who holds the case" in html and "Асхат Бекболатов" in html, username
    school_view = client_for(persona("kz-coordinator")).get(
        reverse("cases:detail", args=[police_case.pk])).content.decode()
    assert 'name="agency" value="kz-police"' not in school_view  # no form for another agency's cases
    assert 'name="agency" value="kz-school-1"' in school_view  # but one for the school's own


def test_the_duty_officer_assigns_from_the_case_page(persona, police_case):
    client = client_for(persona("kz-police-duty"))
    url = reverse("casework:assign", args=[police_case.pk])
    page = client.get(reverse("cases:detail", args=[police_case.pk])).content.decode()
    assert 'id="id_assign_kz-police_assignee"' in page

    response = client.post(url, {"agency": "kz-police", "assignee": persona("kz-police").pk})
    assert response.status_code == 302 and response["Location"].endswith("#assignment")
    assert holder(police_case, "kz-police") == persona("kz-police")

    response = client.post(url, {"agency": "kz-police", "assignee": persona("kz-guardianship").pk})
    assert response.status_code == 400
    assert "Choose an officer of this agency" in response.content.decode()
    assert holder(police_case, "kz-police") == persona("kz-police")

    response = client.post(url, {"agency": "kz-police", "assignee": persona("kz-police-2").pk}, headers=HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith("<section") and "Руслан Тоқтаров" in html
    assert holder(police_case, "kz-police") == persona("kz-police-2")


def test_an_officer_takes_the_case_from_the_page(persona, police_case):
    officer = persona("kz-police")
    client = client_for(officer)
    page = client.get(reverse("cases:detail", args=[police_case.pk])).content.decode()
    assert "Take the case" in page and 'id="id_assign_kz-police_assignee"' not in page
    response = client.post(reverse("casework:assign", args=[police_case.pk]),
                           {"agency": "kz-police", "assignee": officer.pk})
    assert response.status_code == 302 and holder(police_case, "kz-police") == officer
    page = client.get(reverse("cases:detail", args=[police_case.pk])).content.decode()
    assert "Hand the case back" in page and "Take the case" not in page

    other = client_for(persona("kz-police-2"))
    refused = other.post(reverse("casework:assign", args=[police_case.pk]),
                         {"agency": "kz-police", "assignee": persona("kz-police-2").pk}, headers=HTMX)
    assert refused.status_code == 400 and "Another officer holds this case" in refused.content.decode()
    assert holder(police_case, "kz-police") == officer


def test_the_bell_shows_the_assignment_without_personal_data(persona, police_case):
    case_assign(user=persona("kz-police-duty"), case=police_case, agency=agency("kz-police"),
                assignee=persona("kz-police"))
    html = client_for(persona("kz-police")).get(reverse("notifications:bell")).content.decode()
    assert f"Case {police_case.reference} was assigned to you in {agency('kz-police').name}" in html
    assert not any(name in html for name in CHILD)


def test_the_assignment_api(persona, police_case):
    url = reverse("api-case-assignment", args=[police_case.pk])
    duty = client_for(persona("kz-police-duty"))
    officer = persona("kz-police")

    response = duty.post(url, {"agency": "kz-police", "assignee": officer.pk}, format="json")
    assert response.status_code == 200
    police = next(row for row in response.json() if row["agency"] == "kz-police")
    assert police["assignee"] == officer.pk and police["assignee_name"] == "Асхат Бекболатов"
    assert police["agency_id"] == agency("kz-police").pk and police["assigned_at"]

    listed = client_for(persona("kz-coordinator")).get(url).json()
    assert {row["agency"]: row["assignee"] for row in listed} == {"kz-school-1": None, "kz-police": officer.pk}

    # By the agency's id, and to nobody.
    response = duty.post(url, {"agency": agency("kz-police").pk, "assignee": None}, format="json")
    assert response.status_code == 200 and holder(police_case, "kz-police") is None

    for body, field in (({"agency": "kz-guardianship", "assignee": officer.pk}, "agency"),
                        ({"agency": "kz-police", "assignee": 999999}, "assignee"),
                        ({"agency": "kz-police", "assignee": persona("kz-coordinator").pk}, "assignee"),
                        ({"agency": "kz-police"}, "assignee")):
        response = duty.post(url, body, format="json")
        assert response.status_code == 400 and list(response.json()) == [field], body
    assert holder(police_case, "kz-police") is None

    outsider = client_for(persona("kz-coordinator-2"))
    assert outsider.get(url).status_code == 404
    assert outsider.post(url, {"agency": "kz-police", "assignee": officer.pk}, format="json").status_code == 404
    assert holder(police_case, "kz-police") is None


# --- The demo ---------------------------------------------------------------------------------


def test_the_demo_gives_the_police_officer_cases_of_their_own(persona):
    call_command("load_demo", stdout=io.StringIO())
    officer = persona("kz-police")
    mine, _cursor = case_page(officer, filters=CaseListFilters(mine=True))
    unassigned, _cursor = case_page(officer, filters=CaseListFilters(unassigned=True))
    assert len(mine) == 2 and unassigned
    assert all(holder(case, "kz-police") == officer for case in mine)
    # Told in the bell, by the duty officer's hand (the audit trail), like any assignment.
    assert OutboxMessage.objects.filter(recipient=officer, subject_key=messages.CASE_ASSIGNED,
                                        channel=Channel.IN_APP).count() == 2
    assert {e.actor.username for case in mine for e in assignments(case)} == {"kz-police-duty"}
    html = client_for(officer).get(reverse("cases:list") + "?mine=1").content.decode()
    assert all(case.reference in html for case in mine)


def test_an_officer_who_left_the_agency_no_longer_lists_its_cases(persona, police_case):
    officer = persona("kz-police")
    case_assign(user=persona("kz-police-duty"), case=police_case, agency=agency("kz-police"), assignee=officer)
    membership_remove(membership=Membership.objects.get(user=officer, agency__code="kz-police"))
    mine, _cursor = case_page(officer, filters=CaseListFilters(mine=True))
    assert refs(mine) == []


def test_the_list_shows_who_holds_each_case_in_ones_agency_for_one_query(persona, police_cases):
    client = client_for(persona("kz-police-head"))

    def page():
        with CaptureQueriesContext(connection) as queries:
            html = client.get(reverse("cases:list")).content.decode()
        return html, len(queries)

    html, before = page()
    rows = {case.reference: html.split(case.reference, 1)[1].split("</tr>", 1)[0] for case in police_cases}
    assert "Асхат Бекболатов" in rows[police_cases[0].reference]
    assert "Руслан Тоқтаров" in rows[police_cases[1].reference]
    assert "Асхат" not in rows[police_cases[3].reference] and "Руслан" not in rows[police_cases[3].reference]
    # Two more holders on the page: not one more query.
    for case in police_cases[3:]:
        case_assign(user=persona("kz-police-head"), case=case, agency=agency("kz-police"),
                    assignee=persona("kz-police-2"))
    html, after = page()
    assert after == before and html.count("Руслан Тоқтаров") == 3
    # The school sees who holds the case in the school, not in the police.
    school_html = client_for(persona("kz-coordinator")).get(reverse("cases:list")).content.decode()
    assert "Асхат Бекболатов" not in school_html
