"""The commission's REST API: happy paths, outsiders 404, bad input 400 with nothing changed."""

import datetime as dt
import re
import io

import pytest
from django.utils import formats, timezone, translation
from pypdf import PdfReader

from commission import services
from commission.models import Attendance, Meeting, MeetingStatus, Vote
from tests.api.clients import client_for

pytestmark = pytest.mark.django_db

QUORUM = ["ua-head", "ua-coordinator", "ua-secretary", "ua-psychologist", "ua-social-pedagogue", "ua-teacher"]
OUTSIDERS = ["ua-coordinator-2", "ua-police", "ua-ombudsman", "kz-head", "kz-coordinator"]


@pytest.fixture
def ua_case(persona, file_case):
    return file_case(persona("ua-coordinator"), "ua-school-1")


@pytest.fixture
def meeting(persona, school, ua_case):
    return services.meeting_schedule(user=persona("ua-secretary"), school=school("ua-school-1"),
                                     starts_at=timezone.now() + dt.timedelta(minutes=10), place="Кабінет 12",
                                     cases=[ua_case], short_notice_reason="Термінове засідання")


@pytest.fixture
def api(persona):
    return lambda username: client_for(persona(username))


def open_session(persona, meeting):
    for name in QUORUM:
        services.attendance_mark(user=persona("ua-secretary"), meeting=meeting, member=persona(name), present=True)
    return services.meeting_open(user=persona("ua-secretary"), meeting=meeting)


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


# --- Commissions and meetings -----------------------------------------------------------------

def test_commissions_lists_those_the_user_sits_on_or_heads(api, persona, school):
    body = api("ua-children-service").get("/api/v1/commissions/").json()
    assert [c["school"]["code"] for c in body] == ["ua-school-1"]
    composition = body[0]["composition_in_force"]
    assert composition["order_number"] == "15-од" and composition["size"] == 9
    assert {m["user"]["id"]: m["position"] for m in composition["members"]}[persona("ua-head").pk] == "chair"
    assert all("username" not in m["user"] for m in composition["members"])  # names, never logins
    assert [c["school"]["code"] for c in api("ua-head").get("/api/v1/commissions/").json()] == ["ua-school-1"]
    for username in OUTSIDERS:
        assert api(username).get("/api/v1/commissions/").json() == []


def test_the_secretary_schedules_a_meeting(api, ua_case, school):
    starts_at = (timezone.now() + dt.timedelta(days=2)).isoformat()
    response = api("ua-secretary").post("/api/v1/meetings/", {
        "school": school("ua-school-1").pk, "starts_at": starts_at, "place": "Зала", "cases": [str(ua_case.pk)],
    }, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "scheduled" and body["quorum"] == {"approved": 9, "present": 0, "needed": 6,
                                                                 "has_quorum": False}
    assert [a["reference"] for a in body["agenda"]] == [ua_case.reference]
    assert [m["id"] for m in api("ua-social-centre").get("/api/v1/meetings/").json()["results"]] == [body["id"]]


@pytest.mark.parametrize("change, field", [
    ({"starts_at": "late"}, "late_reason"),
    ({"place": ""}, "place"),
    ({"cases": []}, "cases"),
    ({"cases": ["00000000-0000-0000-0000-000000000000"]}, "cases"),
    ({"starts_at": "past"}, "starts_at"),
    ({"starts_at": "not a date"}, "starts_at"),
], ids=["late without reason", "no place", "no cases", "unknown case", "in the past", "bad date"])
def test_bad_schedule_input_is_400_per_field_and_nothing_is_saved(api, ua_case, school, change, field):
    times = {"late": timezone.now() + dt.timedelta(days=14), "past": timezone.now() - dt.timedelta(hours=1)}
    data = {"school": school("ua-school-1").pk, "starts_at": (timezone.now() + dt.timedelta(days=2)).isoformat(),
            "place": "Зала", "cases": [str(ua_case.pk)]}
    data.update(change)
    if data["starts_at"] in times:
        data["starts_at"] = times[data["starts_at"]].isoformat()
    response = api("ua-secretary").post("/api/v1/meetings/", data, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Meeting.objects.exists()


def test_a_case_of_another_school_cannot_be_put_on_the_agenda(api, persona, file_case, school):
    other = file_case(persona("ua-coordinator-2"), "ua-school-2")
    response = api("ua-secretary").post("/api/v1/meetings/", {
        "school": school("ua-school-1").pk, "starts_at": (timezone.now() + dt.timedelta(days=2)).isoformat(),
        "place": "Зала", "cases": [str(other.pk)]}, format="json")
    assert response.status_code == 400 and "does not exist" in response.json()["cases"][0]
    assert not Meeting.objects.exists()


def test_a_member_who_is_not_the_secretary_cannot_schedule(api, school, ua_case):
    response = api("ua-teacher").post("/api/v1/meetings/", {
        "school": school("ua-school-1").pk, "starts_at": (timezone.now() + dt.timedelta(days=2)).isoformat(),
        "place": "Зала", "cases": [str(ua_case.pk)]}, format="json")
    assert response.status_code == 400 and not Meeting.objects.exists()


@pytest.mark.parametrize("username", OUTSIDERS)
def test_outsiders_get_404_for_every_meeting_endpoint(api, meeting, username):
    client = api(username)
    base = f"/api/v1/meetings/{meeting.pk}/"
    for path in ("", "attendance/", "votes/", "minutes/"):
        assert client.get(base + path).status_code == 404, path
    assert client.post(base + "attendance/", {"user": 1, "present": True}, format="json").status_code == 404
    assert client.post(base + "votes/", {"question": 1, "choice": "for"}, format="json").status_code == 404
    assert client.get("/api/v1/meetings/").json()["results"] == []
    assert client.get("/api/v1/meetings/999999/").status_code == 404


def test_an_invited_person_sees_the_meeting_with_their_case_only(api, persona, meeting, ua_case, file_case):
    other = file_case(persona("ua-coordinator"), "ua-school-1")
    meeting.agenda.create(case=other, position=2)
    services.invitation_add(user=persona("ua-secretary"), meeting=meeting, case=ua_case, invitee=persona("ua-police"),
                            consent_recorded=True)
    listed = api("ua-police").get("/api/v1/meetings/").json()["results"]
    assert [[a["reference"] for a in m["agenda"]] for m in listed] == [[ua_case.reference]]
    detail = api("ua-police").get(f"/api/v1/meetings/{meeting.pk}/").json()
    assert [a["reference"] for a in detail["agenda"]] == [ua_case.reference]
    member = api("ua-head").get("/api/v1/meetings/").json()["results"]
    assert [a["reference"] for a in member[0]["agenda"]] == [ua_case.reference, other.reference]


def test_members_read_the_meeting(api, meeting, ua_case):
    body = api("ua-children-service").get(f"/api/v1/meetings/{meeting.pk}/").json()
    assert body["agenda"][0]["case"] == str(ua_case.pk)
    assert body["composition"]["order_number"] == "15-од"


# --- Attendance and votes ---------------------------------------------------------------------

def test_attendance_is_marked_and_the_quorum_follows(api, persona, meeting):
    client = api("ua-secretary")
    url = f"/api/v1/meetings/{meeting.pk}/attendance/"
    for name in QUORUM:
        body = client.post(url, {"user": persona(name).pk, "present": True}, format="json").json()
    assert body["quorum"] == {"approved": 9, "present": 6, "needed": 6, "has_quorum": True}
    assert sum(m["present"] for m in body["members"]) == 6
    assert api("ua-teacher-2").get(url).json()["quorum"]["has_quorum"] is True


@pytest.mark.parametrize("who, data, field", [
    ("ua-secretary", {"user": "outsider", "present": True}, "user"),
    ("ua-secretary", {"present": True}, "user"),
    ("ua-secretary", {"user": "ua-teacher", "present": "maybe"}, "present"),
    ("ua-teacher", {"user": "ua-teacher", "present": True}, "non_field_errors"),
], ids=["not a member", "no user", "bad flag", "not the secretary"])
def test_bad_attendance_is_400_and_changes_nothing(api, persona, meeting, who, data, field):
    data = dict(data)
    if "user" in data:
        data["user"] = persona("ua-police" if data["user"] == "outsider" else data["user"]).pk
    response = api(who).post(f"/api/v1/meetings/{meeting.pk}/attendance/", data, format="json")
    assert response.status_code == 400 and field in response.json()
    assert not Attendance.objects.filter(meeting=meeting, present=True).exists()


def test_members_vote_as_themselves_and_see_the_tally(api, persona, meeting):
    meeting = open_session(persona, meeting)
    question = meeting.agenda.get().questions.get()
    url = f"/api/v1/meetings/{meeting.pk}/votes/"
    for name in QUORUM[:5]:
        response = api(name).post(url, {"question": question.pk, "choice": "for"}, format="json")
        assert response.status_code == 201
        assert response.json()["user"] == {"id": persona(name).pk, "name": persona(name).get_full_name()}
    api("ua-teacher").post(url, {"question": question.pk, "choice": "against", "dissent": "Не згоден."},
                           format="json")
    body = api("ua-children-service").get(url).json()
    assert body[0]["tally"] == {"votes_for": 5, "votes_against": 1, "abstentions": 0, "needed": 5,
                                "closed": False, "passed": None, "decided_by_chair": False}
    assert {v["user"]["id"]: v["dissent"] for v in body[0]["votes"]}[persona("ua-teacher").pk] == "Не згоден."


@pytest.mark.parametrize("who, data, field", [
    ("ua-teacher-2", {"choice": "for"}, "non_field_errors"),     # a member, absent
    ("ua-teacher", {"choice": "maybe"}, "choice"),
    ("ua-teacher", {"question": 999999, "choice": "for"}, "question"),
    ("ua-teacher", {"question": None, "choice": "for"}, "question"),
], ids=["absent member", "bad choice", "unknown question", "no question"])
def test_bad_votes_are_400_and_change_nothing(api, persona, meeting, who, data, field):
    meeting = open_session(persona, meeting)
    question = meeting.agenda.get().questions.get()
    data = {"question": question.pk, **data}
    response = api(who).post(f"/api/v1/meetings/{meeting.pk}/votes/", data, format="json")
    assert response.status_code == 400 and field in response.json()
    assert not Vote.objects.exists()


def test_a_question_of_another_meeting_is_not_a_question_of_this_one(api, persona, meeting, school, file_case):
    meeting = open_session(persona, meeting)
    case = file_case(persona("ua-coordinator"), "ua-school-1")
    other = services.meeting_schedule(user=persona("ua-secretary"), school=school("ua-school-1"), place="Зала",
                                      starts_at=timezone.now() + dt.timedelta(days=2), cases=[case])
    question = meeting.agenda.get().questions.get()
    response = api("ua-teacher").post(f"/api/v1/meetings/{other.pk}/votes/",
                                      {"question": question.pk, "choice": "for"}, format="json")
    assert response.status_code == 400 and "question" in response.json()
    assert not Vote.objects.exists()


# --- Minutes ------------------------------------------------------------------------------

def finished_meeting(persona, meeting, *, texts=None):
    meeting = open_session(persona, meeting)
    question = meeting.agenda.get().questions.get()
    for name in QUORUM[:5]:
        services.vote_cast(user=persona(name), question=question, choice="for")
    services.vote_cast(user=persona("ua-teacher"), question=question, choice="against",
                       dissent="Свідків не опитано.")
    services.question_close(user=persona("ua-secretary"), question=question)
    services.decision_record(
        user=persona("ua-secretary"), agenda_item=meeting.agenda.get(),
        texts=texts or {"needs_assessment": "Консультації психолога", "causes_and_measures": "Бесіди",
                        "class_measures": "Тренінг для класу", "recommendations_teachers": "Чергування на перервах",
                        "recommendations_parents": "Розмова вдома"},
        monitoring=[{"description": "Щотижнева консультація", "owner": persona("ua-psychologist"),
                     "due_date": timezone.localdate() + dt.timedelta(days=30)}])
    services.meeting_close(user=persona("ua-secretary"), meeting=meeting)
    return services.minutes_formalise(user=persona("ua-head"), meeting=meeting, order_number="12-од",
                                      order_date=timezone.localdate())


def test_the_minutes_pdf_carries_the_votes_by_name_and_no_party_names(api, persona, meeting, ua_case):
    finished_meeting(persona, meeting)
    response = api("ua-psychologist").get(f"/api/v1/meetings/{meeting.pk}/minutes/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    for username in QUORUM:
        # People by name, in the attendance, the votes and the signature lines; never by login.
        assert persona(username).get_full_name() in text
        assert username not in text
    chair, secretary = persona("ua-head").get_full_name(), persona("ua-secretary").get_full_name()
    assert re.search(rf"_{{5,}} {chair}\s", text) and re.search(rf"_{{5,}} {secretary}\s", text)
    # Dates as the school's language writes them (uk: DATE_FORMAT), not a hard-coded pattern.
    with translation.override("uk"):
        order_date = formats.date_format(timezone.localdate(), "DATE_FORMAT")
    assert f"12-од від {order_date}" in text
    assert "Свідків не опитано." in text and "12-од" in text and ua_case.reference in text
    assert "Щотижнева консультація" in text
    assert "Ахметов" not in text and "Сауле" not in text      # parties by role and number only


def test_the_minutes_are_not_for_invited_persons(api, persona, meeting, ua_case):
    services.invitation_add(user=persona("ua-secretary"), meeting=meeting, case=ua_case, invitee=persona("ua-police"),
                            consent_recorded=True)
    police = api("ua-police")
    assert police.get(f"/api/v1/meetings/{meeting.pk}/").status_code == 200
    assert police.get(f"/api/v1/meetings/{meeting.pk}/minutes/").status_code == 404
    assert api("ua-head").get(f"/api/v1/meetings/{meeting.pk}/minutes/", HTTP_ACCEPT="application/pdf"
                              ).status_code == 200


def test_the_minutes_render_kazakh_and_ukrainian_letters(persona, meeting):
    from commission.minutes import minutes_pdf

    kazakh = {"needs_assessment": "Әлеуметтік педагогтың қорытындысы", "causes_and_measures": "Сыныптағы қақтығыс",
              "class_measures": "Сынып сағаты", "recommendations_teachers": "Үзілістерде қадағалау",
              "recommendations_parents": "Ата-аналармен әңгіме"}
    meeting = finished_meeting(persona, meeting, texts=kazakh)
    meeting.place = "Їдальня, є проектор"
    meeting.save(update_fields=["place"])
    kk = pdf_text(minutes_pdf(Meeting.objects.get(pk=meeting.pk), language="kk"))
    assert "Әлеуметтік педагогтың қорытындысы" in kk
    for letter in "әіқүө":
        assert letter in kk
    uk = pdf_text(minutes_pdf(Meeting.objects.get(pk=meeting.pk)))
    assert "Їдальня, є проектор" in uk and "ї" in uk.lower() and "є" in uk
    assert Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.CLOSED
