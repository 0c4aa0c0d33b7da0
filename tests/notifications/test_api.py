"""The clocks API: deadlines, notices, case events, waivers and the agency inbox.

Outsiders (another school, another country, the ombudsman office) get 404 for the
case's resources; bad input is a 400 with messages per field and changes nothing.
Waiving: anyone who can see the case may ask; only the school head (or the
responsible agency's head) succeeds, the coordinator gets 400 `non_field_errors`.
"""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone
from rest_framework.test import APIClient

from agencies.models import Agency
from cases.services import PartyInput
from conftest import make_parties
from notifications import messages
from notifications.models import Deadline, DeadlineState, Notice, OutboxMessage
from notifications.services.notices import notice_send
from notifications.services.outbox import outbox_deliver
from tests.api.clients import client_for

pytestmark = pytest.mark.django_db

OUTSIDERS = ["kz-coordinator-2", "ua-head", "kz-ombudsman"]


@pytest.fixture
def kz_case(persona, file_case):
    return file_case(persona("kz-coordinator"), "kz-school-1")


@pytest.fixture
def api(persona):
    return lambda username: client_for(persona(username))


def agency_id(code):
    return Agency.objects.get(code=code).pk


def deadline_of(case, code):
    return Deadline.objects.get(case=case, rule__code=code)


def url(case, resource):
    return f"/api/v1/cases/{case.pk}/{resource}/"


# --- Deadlines ------------------------------------------------------------------------------------


def test_the_deadlines_of_a_kz_case(api, kz_case):
    response = api("kz-coordinator").get(url(kz_case, "deadlines"))
    assert response.status_code == 200
    by_rule = {d["rule"]: d for d in response.json()}
    assert set(by_rule) == {"kz.guardianship_notice", "kz.committee_notice", "kz.police_notice",
                            "kz.ombudsman_notice", "kz.authorities_notice", "kz.minors_commission_notice"}
    guardianship = by_rule["kz.guardianship_notice"]
    assert guardianship["name"] == "Notify the guardianship authority"
    assert guardianship["source"] == "KZ §21" and guardianship["state"] == "pending"
    assert guardianship["met_at"] is None and guardianship["party"] is None
    assert guardianship["responsible"] == {"agency_kind": "school", "role": "head"}
    due = dt.datetime.fromisoformat(guardianship["due_at"].replace("Z", "+00:00"))
    assert due == kz_case.received_at + dt.timedelta(hours=1)


def test_deadline_names_follow_the_request_language(api, kz_case):
    response = api("kz-head").get(url(kz_case, "deadlines"), HTTP_ACCEPT_LANGUAGE="kk")
    names = {d["rule"]: d["name"] for d in response.json()}
    assert names["kz.guardianship_notice"] == "Қорғаншылық органын хабардар ету"


@pytest.mark.parametrize("username", OUTSIDERS)
def test_outsiders_get_404_for_every_case_resource(api, kz_case, username):
    client = api(username)
    deadline = deadline_of(kz_case, "kz.committee_notice")
    assert client.get(url(kz_case, "deadlines")).status_code == 404
    assert client.get(url(kz_case, "notices")).status_code == 404
    assert client.post(url(kz_case, "notices"), {"to_agency": agency_id("kz-guardianship"),
                                                 "channel": "phone"}, format="json").status_code == 404
    assert client.post(url(kz_case, "events"), {"event": "placement_flagged"}, format="json").status_code == 404
    clocks = Deadline.objects.filter(case=kz_case).count()
    assert client.post(f"/api/v1/deadlines/{deadline.pk}/waive/", {"reason": "x"},
                       format="json").status_code == 404
    assert Notice.objects.count() == 0 and Deadline.objects.filter(case=kz_case).count() == clocks
    deadline.refresh_from_db()
    assert deadline.state == DeadlineState.PENDING


def test_anonymous_clients_are_refused(demo, kz_case):
    assert APIClient().get(url(kz_case, "deadlines")).status_code == 401
    assert APIClient().get("/api/v1/inbox/").status_code == 401


# --- Notices --------------------------------------------------------------------------------------


def test_recording_a_notice_meets_the_clock_and_shares_the_case(api, persona, kz_case):
    response = api("kz-head").post(url(kz_case, "notices"), {"to_agency": agency_id("kz-guardianship"),
                                                             "channel": "phone"}, format="json")
    assert response.status_code == 201
    body = response.json()
    notice = Notice.objects.get()
    assert body["id"] == notice.pk and body["outgoing_number"] == notice.outgoing_number
    assert body["to_agency"] == agency_id("kz-guardianship") and body["to_party"] is None
    assert body["acknowledged_at"] is None
    assert deadline_of(kz_case, "kz.guardianship_notice").state == DeadlineState.MET

    # The agency can now read the case's clocks and notices.
    guardianship = api("kz-guardianship")
    assert [n["id"] for n in guardianship.get(url(kz_case, "notices")).json()] == [notice.pk]
    states = {d["rule"]: d["state"] for d in guardianship.get(url(kz_case, "deadlines")).json()}
    assert states["kz.guardianship_notice"] == "met"


def test_a_notice_to_a_legal_representative(api, kz_case):
    representative = kz_case.parties.get(role="legal_representative")
    response = api("kz-coordinator").post(url(kz_case, "notices"), {
        "to_party": str(representative.pk), "channel": "phone",
        "sent_at": (timezone.now() - dt.timedelta(minutes=1)).isoformat()}, format="json")
    assert response.status_code == 201 and response.json()["to_party"] == str(representative.pk)
    assert "Сауле" not in response.content.decode()


def test_a_notice_to_the_alleged_perpetrator_is_refused_and_nothing_is_saved(api, persona, file_case):
    parties = [make_parties()[0], PartyInput(
        role="legal_representative", family_name="Ахметов", given_name="Болат", is_minor=False,
        represents_index=0, is_alleged_perpetrator=True)]
    case = file_case(persona("kz-coordinator"), "kz-school-1", parties=parties)
    perpetrator = case.parties.get(is_alleged_perpetrator=True)
    response = api("kz-head").post(url(case, "notices"), {"to_party": str(perpetrator.pk), "channel": "phone"},
                                   format="json")
    assert response.status_code == 400
    assert response.json() == {"to_party": ["This person is the alleged perpetrator and must not be notified."]}
    assert Notice.objects.count() == 0 and OutboxMessage.objects.count() == 0


@pytest.mark.parametrize("payload, field", [
    ({"to_agency": "guardianship", "channel": "phone", "sent_at": "future"}, "sent_at"),
    ({"channel": "phone"}, "recipient"),
    ({"to_agency": "guardianship", "to_party": "representative", "channel": "phone"}, "recipient"),
    ({"to_agency": "guardianship", "channel": "pigeon"}, "channel"),
    ({"to_agency": "guardianship"}, "channel"),
    ({"to_agency": "ua-police", "channel": "phone"}, "to_agency"),
    ({"to_agency": 999999, "channel": "phone"}, "to_agency"),
    ({"to_party": "other case", "channel": "phone"}, "to_party"),
    ({"to_agency": "guardianship", "channel": "phone", "sent_at": "not a time"}, "sent_at"),
])
def test_bad_notice_input_is_400_per_field_and_changes_nothing(api, persona, file_case, kz_case, payload, field):
    other_case = file_case(persona("kz-coordinator"), "kz-school-1")
    values = {"guardianship": agency_id("kz-guardianship"), "ua-police": agency_id("ua-police"),
              "representative": str(kz_case.parties.get(role="legal_representative").pk),
              "other case": str(other_case.parties.get(role="legal_representative").pk),
              "future": (timezone.now() + dt.timedelta(days=1)).isoformat()}
    data = {key: values.get(value, value) if isinstance(value, str) else value for key, value in payload.items()}
    response = api("kz-head").post(url(kz_case, "notices"), data, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert Notice.objects.count() == 0 and OutboxMessage.objects.count() == 0
    assert deadline_of(kz_case, "kz.guardianship_notice").state == DeadlineState.PENDING


def test_a_notice_by_api_emails_a_reference_and_a_link_only(api, persona, kz_case):
    officer = persona("kz-guardianship")
    officer.email = "officer@guardianship.example.kz"
    officer.save(update_fields=["email"])
    api("kz-head").post(url(kz_case, "notices"), {"to_agency": agency_id("kz-guardianship"), "channel": "email"},
                        format="json")
    outbox_deliver()
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert kz_case.reference in email.subject and messages.case_link(kz_case) in email.body
    for personal in ["Ахметов", "Ерлан", "Сауле", "+7701", "Қонаев", "мазақ"]:
        assert personal not in email.subject + email.body


# --- Events ---------------------------------------------------------------------------------------


def test_recording_events_starts_and_meets_clocks(api, kz_case):
    client = api("kz-coordinator")
    response = client.post(url(kz_case, "events"), {"event": "high_profile_confirmed"}, format="json")
    assert response.status_code == 200
    media = next(d for d in response.json() if d["rule"] == "kz.media_statement")
    assert media["state"] == "pending"
    assert media["responsible"] == {"agency_kind": "education_ministry", "role": "officer"}
    response = client.post(url(kz_case, "events"), {"event": "media_statement"}, format="json")
    media = next(d for d in response.json() if d["rule"] == "kz.media_statement")
    assert media["state"] == "met" and media["met_at"] is not None


@pytest.mark.parametrize("payload, field", [
    ({"event": "meeting_held"}, "event"),
    ({}, "event"),
    ({"event": "forensic_ordered", "at": "future"}, "at"),
    ({"event": "forensic_ordered", "at": "before"}, "at"),
])
def test_bad_event_input_is_400_per_field(api, kz_case, payload, field):
    times = {"future": (timezone.now() + dt.timedelta(hours=1)).isoformat(),
             "before": (kz_case.received_at - dt.timedelta(days=1)).isoformat()}
    data = {key: times.get(value, value) for key, value in payload.items()}
    clocks = Deadline.objects.filter(case=kz_case).count()
    response = api("kz-head").post(url(kz_case, "events"), data, format="json")
    assert response.status_code == 400 and field in response.json()
    assert Deadline.objects.filter(case=kz_case).count() == clocks


# --- Waiving --------------------------------------------------------------------------------------


def test_the_head_waives_a_deadline(api, persona, kz_case):
    deadline = deadline_of(kz_case, "kz.committee_notice")
    response = api("kz-head").post(f"/api/v1/deadlines/{deadline.pk}/waive/",
                                   {"reason": "Informed in person by the police."}, format="json")
    assert response.status_code == 200
    assert response.json()["state"] == "waived" and response.json()["rule"] == "kz.committee_notice"
    deadline.refresh_from_db()
    assert deadline.waived_by == persona("kz-head") and deadline.waived_reason == "Informed in person by the police."


def test_an_empty_reason_is_refused(api, kz_case):
    deadline = deadline_of(kz_case, "kz.committee_notice")
    response = api("kz-head").post(f"/api/v1/deadlines/{deadline.pk}/waive/", {"reason": "  "}, format="json")
    assert response.status_code == 400
    assert response.json() == {"reason": ["Give the reason for waiving this deadline."]}
    deadline.refresh_from_db()
    assert deadline.state == DeadlineState.PENDING


def test_the_coordinator_cannot_waive(api, kz_case):
    deadline = deadline_of(kz_case, "kz.committee_notice")
    response = api("kz-coordinator").post(f"/api/v1/deadlines/{deadline.pk}/waive/", {"reason": "No need"},
                                          format="json")
    assert response.status_code == 400
    assert "Only the school head" in response.json()["non_field_errors"][0]
    deadline.refresh_from_db()
    assert deadline.state == DeadlineState.PENDING


def test_an_unknown_deadline_is_404(api, kz_case):
    assert api("kz-head").post("/api/v1/deadlines/999999/waive/", {"reason": "x"}, format="json").status_code == 404


# --- The inbox ------------------------------------------------------------------------------------


def test_the_receiving_agency_lists_and_acknowledges_its_notices(api, persona, kz_case):
    head, guardianship_agency = persona("kz-head"), Agency.objects.get(code="kz-guardianship")
    notices = [notice_send(user=head, case=kz_case, channel="phone", to_agency=guardianship_agency,
                           sent_at=kz_case.received_at + dt.timedelta(minutes=i)) for i in range(3)]
    notice_send(user=head, case=kz_case, channel="phone", to_agency=Agency.objects.get(code="kz-police"))
    client = api("kz-guardianship")

    first = client.get("/api/v1/inbox/", {"page_size": 2}).json()
    second = client.get(first["next"]).json()
    items = first["results"] + second["results"]
    assert [i["id"] for i in items] == [n.pk for n in reversed(notices)] and second["next"] is None
    assert "count" not in first
    item = items[0]
    assert item["case"] == str(kz_case.pk) and item["case_reference"] == kz_case.reference
    assert item["school_name"] == kz_case.school.name and item["case_visible"] is True
    assert item["acknowledged_at"] is None

    response = client.post(f"/api/v1/inbox/{notices[0].pk}/acknowledge/")
    assert response.status_code == 200
    acknowledged_at = response.json()["acknowledged_at"]
    assert acknowledged_at is not None
    again = client.post(f"/api/v1/inbox/{notices[0].pk}/acknowledge/").json()
    assert again["acknowledged_at"] == acknowledged_at
    notices[0].refresh_from_db()
    assert notices[0].acknowledged_by == persona("kz-guardianship")


@pytest.mark.parametrize("username", ["kz-police", "kz-head", "ua-children-service", "kz-ombudsman"])
def test_another_agency_neither_lists_nor_acknowledges_the_notice(api, persona, kz_case, username):
    notice = notice_send(user=persona("kz-head"), case=kz_case, channel="phone",
                         to_agency=Agency.objects.get(code="kz-guardianship"))
    client = api(username)
    assert notice.pk not in [i["id"] for i in client.get("/api/v1/inbox/").json()["results"]]
    assert client.post(f"/api/v1/inbox/{notice.pk}/acknowledge/").status_code == 404
    notice.refresh_from_db()
    assert notice.acknowledged_at is None


def test_the_schema_documents_the_clock_endpoints(api):
    # The schema is for signed-in users (issue #7).
    response = api("kz-coordinator").get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    paths = response.json()["paths"]
    assert {"/api/v1/cases/{case_id}/deadlines/", "/api/v1/cases/{case_id}/notices/",
            "/api/v1/cases/{case_id}/events/", "/api/v1/deadlines/{id}/waive/", "/api/v1/inbox/",
            "/api/v1/inbox/{id}/acknowledge/"} <= set(paths)
