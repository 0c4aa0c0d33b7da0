"""The case's lifecycle (issue #9 item 10): facts corrected with a reason, parties and screenings
added in the browser, closed with an outcome (not while a statutory clock runs), reopened; the
UA commission's decision of no bullying closes the case."""

import datetime as dt

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from agencies.models import Agency
from cases.models import Case, CaseAccess, CaseChange
from cases.services import case_close, case_follow_decision, case_reopen, case_update
from config.errors import InputError
from notifications.models import Deadline, DeadlineState
from notifications.services.clocks import case_event_record
from notifications.services.notices import notice_send
from privacy.models import AuditEvent
from tests.api.clients import client_for
from tests.cases.test_intake_agency import open_111_case
from tests.commission.test_services import QUORUM, cast, confirmation, in_session, schedule, ua_case  # noqa: F401

pytestmark = pytest.mark.django_db

REASON = "Сынып жетекшісі оқиға уақытын нақтылады."


def _waive_all(case):
    Deadline.objects.filter(case=case, state=DeadlineState.PENDING).update(state=DeadlineState.WAIVED)


def test_the_team_corrects_the_facts_with_a_reason_kept_encrypted(persona, file_case):
    case = file_case(persona("kz-coordinator"), "kz-school-1")
    incident = case.received_at - dt.timedelta(hours=2)
    case_update(user=persona("kz-head"), case=case, reason=REASON, kinds=["bullying", "cyberbullying"],
                incident_at=incident)
    case.refresh_from_db()
    assert case.kinds == ["bullying", "cyberbullying"] and case.incident_at == incident
    assert CaseAccess.objects.filter(case=case).first().kind_codes == ",bullying,cyberbullying,"
    change = CaseChange.objects.get(case=case)
    assert change.reason == REASON and change.fields == ["incident_at", "kinds"]
    with connection.cursor() as cur:
        cur.execute("SELECT reason FROM cases_casechange WHERE id = %s", [change.pk])
        assert "нақтылады" not in cur.fetchone()[0]
    event = AuditEvent.objects.get(action="case_update", case_id=case.pk)
    assert event.detail == {"fields": ["incident_at", "kinds"]}  # names, never values


def test_a_change_without_a_reason_or_with_bad_facts_saves_nothing(persona, file_case):
    case = file_case(persona("kz-coordinator"), "kz-school-1")
    with pytest.raises(InputError) as err:
        case_update(user=persona("kz-head"), case=case, reason=" ", kinds=[],
                    incident_at=case.received_at + dt.timedelta(hours=1))
    assert {"reason", "kinds", "incident_at"} <= set(err.value.errors)
    with pytest.raises(InputError) as err:
        case_update(user=persona("kz-head"), case=case, reason=REASON, received_at=timezone.now())
    assert "received_at" in err.value.errors
    case.refresh_from_db()
    assert case.kinds == ["bullying"] and not CaseChange.objects.exists()


def test_only_the_intake_agency_corrects_the_facts(persona):
    case = open_111_case(persona, school=Agency.objects.get(code="kz-school-1"))
    with pytest.raises(InputError) as err:
        case_update(user=persona("kz-coordinator"), case=case, reason=REASON, is_urgent=True)
    assert "__all__" in err.value.errors
    case_update(user=persona("kz-111"), case=case, reason=REASON, is_urgent=True)
    assert Case.objects.get(pk=case.pk).is_urgent


def test_closing_is_refused_while_a_clock_runs_and_lists_it(persona, file_case):
    case = file_case(persona("kz-coordinator"), "kz-school-1")
    with pytest.raises(InputError) as err:
        case_close(user=persona("kz-head"), case=case, outcome="handled", reason=REASON)
    message = err.value.errors["__all__"][0]
    pending = Deadline.objects.filter(case=case, state="pending").select_related("rule")
    assert pending and all(d.rule.name in message for d in pending)
    assert Case.objects.get(pk=case.pk).status == "open"


def test_a_breached_clock_does_not_hold_the_case_open(persona, file_case):
    case = file_case(persona("kz-coordinator"), "kz-school-1")
    _waive_all(case)
    Deadline.objects.filter(case=case).update(state=DeadlineState.BREACHED)
    case = case_close(user=persona("kz-head"), case=case, outcome="handled", reason=REASON)
    assert case.status == "closed" and Deadline.objects.filter(case=case, state="breached").exists()


def test_close_and_reopen_with_reasons_and_the_lists_follow(persona, file_case):
    case = file_case(persona("kz-coordinator"), "kz-school-1")
    _waive_all(case)
    with pytest.raises(InputError) as err:
        case_close(user=persona("kz-head"), case=case, outcome="merged", reason="")
    assert {"outcome", "reason"} <= set(err.value.errors)
    case_close(user=persona("kz-head"), case=case, outcome="not_confirmed", reason=REASON)
    assert set(CaseAccess.objects.filter(case=case).values_list("status", flat=True)) == {"closed"}
    assert AuditEvent.objects.get(action="case_close", case_id=case.pk).detail == {"outcome": "not_confirmed"}
    with pytest.raises(InputError) as err:
        case_reopen(user=persona("kz-head"), case=case, reason="")
    assert "reason" in err.value.errors
    case = case_reopen(user=persona("kz-head"), case=case, reason="Жаңа мән-жай анықталды.")
    assert case.status == "open" and case.outcome == ""
    assert set(CaseAccess.objects.filter(case=case).values_list("status", flat=True)) == {"open"}
    assert AuditEvent.objects.filter(action="case_reopen", case_id=case.pk).exists()


def test_a_decision_of_no_bullying_closes_the_case_once_its_clocks_allow(persona, file_case):
    case = file_case(persona("ua-coordinator"), "ua-school-1")
    case_follow_decision(user=persona("ua-secretary"), case=case, bullying_confirmed=False)
    assert Case.objects.get(pk=case.pk).status == "open"  # the parents' and police notices still run
    _waive_all(case)
    case_follow_decision(user=persona("ua-secretary"), case=case, bullying_confirmed=True)
    assert Case.objects.get(pk=case.pk).status == "open"  # confirmed: the measures are carried out
    case_follow_decision(user=persona("ua-secretary"), case=case, bullying_confirmed=False)
    case.refresh_from_db()
    assert (case.status, case.outcome) == ("closed", "not_confirmed")


# --- Browser pages -------------------------------------------------------------------------


def test_the_browser_adds_a_party_and_a_screening(client, persona, file_case):
    case = file_case(persona("kz-coordinator"), "kz-school-1")
    client.force_login(persona("kz-psychologist"))
    url = reverse("cases:party_new", args=[case.pk])
    assert client.get(url).status_code == 200
    bad = client.post(url, {"role": "witness", "family_name": "", "given_name": "Асқар"})
    assert bad.status_code == 400 and "family_name" in bad.context["form"].errors
    assert client.post(url, {"role": "witness", "family_name": "Серік", "given_name": "Асқар",
                             "is_minor": "on"}).status_code == 302
    assert case.parties.filter(role="witness").exists()
    url = reverse("cases:screening_new", args=[case.pk])
    assert client.post(url, {"checklist": "ua_school", "signs": ["self_harm"]}).status_code == 400
    assert client.post(url, {"checklist": "kz_teacher", "signs": ["self_harm"]}).status_code == 302
    case.refresh_from_db()
    assert case.is_urgent and case.screenings.count() == 1


def test_the_browser_edits_closes_and_reopens(client, persona, file_case):
    case = file_case(persona("kz-coordinator"), "kz-school-1")
    client.force_login(persona("kz-head"))
    edit = reverse("cases:edit", args=[case.pk])
    assert client.get(edit).status_code == 200
    refused = client.post(edit, {"kinds": ["violence"], "reason": ""})
    assert refused.status_code == 400 and "reason" in refused.context["form"].errors
    assert client.post(edit, {"kinds": ["violence"], "reason": REASON}).status_code == 302
    assert Case.objects.get(pk=case.pk).kinds == ["violence"]
    close = reverse("cases:close", args=[case.pk])
    refused = client.post(close, {"outcome": "handled", "reason": REASON})
    assert refused.status_code == 400 and "still running" in refused.content.decode()
    _waive_all(case)
    assert client.post(close, {"outcome": "handled", "reason": REASON}).status_code == 302
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Confirmed and handled" in page and REASON in page
    assert client.post(reverse("cases:reopen", args=[case.pk]), {"reason": REASON}).status_code == 302
    assert Case.objects.get(pk=case.pk).status == "open"


def test_the_api_patches_facts_and_closes(persona, file_case):
    case = file_case(persona("kz-coordinator"), "kz-school-1")
    api = client_for(persona("kz-head"))
    url = f"/api/v1/cases/{case.pk}/"
    assert api.patch(url, {"kinds": ["violence"]}, format="json").status_code == 400  # no reason
    assert api.patch(url, {"received_at": timezone.now().isoformat(), "reason": REASON},
                     format="json").status_code == 400
    response = api.patch(url, {"kinds": ["violence"], "reason": REASON}, format="json")
    assert response.status_code == 200 and response.data["kinds"] == ["violence"]
    response = api.post(f"{url}close/", {"outcome": "handled", "reason": REASON}, format="json")
    assert response.status_code == 400 and "still running" in str(response.data)
    _waive_all(case)
    response = api.post(f"{url}close/", {"outcome": "handled", "reason": REASON}, format="json")
    assert response.status_code == 200 and response.data["status"] == "closed"
    response = api.post(f"{url}reopen/", {"reason": REASON}, format="json")
    assert response.status_code == 200 and response.data["status"] == "open"
    response = api.post(f"{url}screenings/", {"checklist": "kz_teacher", "signs": ["suicidal"]}, format="json")
    assert response.status_code == 201 and Case.objects.get(pk=case.pk).is_urgent
    outsider = client_for(persona("kz-coordinator-2"))
    assert outsider.patch(url, {"kinds": ["bullying"], "reason": REASON}, format="json").status_code == 404
    assert outsider.post(f"{url}close/", {"outcome": "handled", "reason": REASON}, format="json").status_code == 404
    assert Case.objects.get(pk=case.pk).kinds == ["violence"]


def test_kz_scenario_from_111_intake_to_closing(persona):
    """111 intake -> the police is told and registers it -> guardianship records the placement
    within 12 h -> the case is closed (the support plan belongs to its own app's tests)."""
    case = open_111_case(persona)
    police = Agency.objects.get(code="kz-police")
    notice_send(user=persona("kz-111"), case=case, channel="phone", to_agency=police)
    assert client_for(persona("kz-police")).get(f"/api/v1/cases/{case.pk}/").status_code == 200
    case_event_record(user=persona("kz-111"), case=case, event="placement_flagged")
    placement = Deadline.objects.get(case=case, rule__code="kz.placement_decision")
    assert placement.due_at == case.received_at + dt.timedelta(hours=12)  # KZ §45
    with pytest.raises(InputError):
        case_close(user=persona("kz-111"), case=case, outcome="handled", reason=REASON)
    case_event_record(user=persona("kz-111"), case=case, event="placement_decided")
    _waive_all(case)  # the other agencies' clocks, met in their own apps
    case = case_close(user=persona("kz-111"), case=case, outcome="handled", reason=REASON)
    assert case.status == "closed"
    assert Deadline.objects.get(pk=placement.pk).state == DeadlineState.MET


def test_recording_a_decision_of_no_bullying_closes_the_case(persona, in_session, ua_case):
    """Through the commission's own service (UA IV): the status follows the recorded decision."""
    from commission import services as commission

    meeting = in_session()
    _waive_all(ua_case)  # the notices' clocks, met in their own app
    question = confirmation(meeting)
    cast(persona, question, {name: "against" for name in QUORUM})
    commission.question_close(user=persona("ua-secretary"), question=question)
    commission.decision_record(user=persona("ua-head"), agenda_item=meeting.agenda.get(), texts={}, monitoring=[])
    ua_case.refresh_from_db()
    assert (ua_case.status, ua_case.outcome) == ("closed", "not_confirmed")
    assert AuditEvent.objects.get(action="case_close", case_id=ua_case.pk).detail["by_decision"] is True
