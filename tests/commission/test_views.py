"""The commission's browser pages (the HTML path; tests/browser drives Chromium through it)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from commission import selectors, services
from commission.models import Composition, Meeting, MeetingStatus, Vote

pytestmark = pytest.mark.django_db

LOCAL = "%Y-%m-%dT%H:%M"
QUORUM = ["ua-head", "ua-coordinator", "ua-secretary", "ua-psychologist", "ua-social-pedagogue", "ua-teacher"]
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def ua_case(persona, file_case):
    return file_case(persona("ua-coordinator"), "ua-school-1")


@pytest.fixture
def meeting(persona, school, ua_case):
    return services.meeting_schedule(user=persona("ua-secretary"), school=school("ua-school-1"),
                                     starts_at=timezone.now() + dt.timedelta(minutes=10), place="Кабінет 12",
                                     cases=[ua_case], short_notice_reason="Термінове засідання")


@pytest.fixture
def as_user(client, persona):
    def _as(username):
        client.force_login(persona(username))
        return client
    return _as


def open_session(persona, meeting, present=QUORUM):
    for name in present:
        services.attendance_mark(user=persona("ua-secretary"), meeting=meeting, member=persona(name), present=True)
    return services.meeting_open(user=persona("ua-secretary"), meeting=meeting)


def question_of(meeting):
    return meeting.agenda.get().questions.get()


# --- Navigation, composition --------------------------------------------------------------

@pytest.mark.parametrize("username, shown", [
    ("ua-head", True), ("ua-secretary", True), ("ua-children-service", True), ("ua-teacher", True),
    ("ua-police", False), ("kz-coordinator", False), ("ua-coordinator-2", False),
])
def test_the_commission_link_shows_for_its_people_only(as_user, username, shown):
    page = as_user(username).get(reverse("cases:list")).content.decode()
    assert (reverse("commission:home") in page) is shown


def test_the_head_sees_the_composition_in_force_and_approves_a_new_one(as_user, persona, school):
    ua = school("ua-school-1")
    url = reverse("commission:composition", args=[ua.pk])
    page = as_user("ua-head").get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "15-од" in html and 'name="member-0-user"' in html
    # People by name, logins nowhere (not in the table, the choices or the element ids).
    assert persona("ua-psychologist").get_full_name() in html
    assert not [u for u in ("ua-psychologist", "ua-head", "ua-children-service") if u in html]

    rows = selectors.composition_in_force(ua.commission, timezone.localdate()).members.all()
    data = {"order_number": "44-од", "order_date": "2026-01-10", "in_force_from": "2026-01-12",
            "member-TOTAL_FORMS": str(len(rows) + 1), "member-INITIAL_FORMS": "0"}
    for i, m in enumerate(rows):
        data.update({f"member-{i}-user": m.user_id, f"member-{i}-position": m.position,
                     f"member-{i}-speciality": m.speciality})
    # Without the psychologist: refused, with the service's message, nothing saved.
    bad = dict(data)
    psychologist = next(i for i, m in enumerate(rows) if m.speciality == "psychologist")
    for key in ("user", "position", "speciality"):
        bad[f"member-{psychologist}-{key}"] = ""
    response = as_user("ua-head").post(url, bad)
    assert response.status_code == 400
    assert "must include the practical psychologist" in response.content.decode()
    assert "besides the chair, deputy and secretary" not in response.content.decode()
    assert not Composition.objects.filter(order_number="44-од").exists()

    response = as_user("ua-head").post(url, data)
    assert response.status_code == 302
    assert Composition.objects.get(order_number="44-од").members.count() == 9


def test_a_member_sees_the_composition_without_the_form_and_cannot_approve(as_user, school):
    url = reverse("commission:composition", args=[school("ua-school-1").pk])
    page = as_user("ua-children-service").get(url)
    assert page.status_code == 200 and 'name="member-0-user"' not in page.content.decode()
    assert as_user("ua-children-service").post(url, {"order_number": "1"}).status_code == 404


@pytest.mark.parametrize("username", ["ua-coordinator-2", "ua-police", "kz-head"])
def test_outsiders_get_404_for_the_composition(as_user, school, username):
    assert as_user(username).get(reverse("commission:composition", args=[school("ua-school-1").pk])).status_code == 404


# --- Scheduling ---------------------------------------------------------------------------

def test_the_secretary_sees_the_open_cases_with_their_meeting_deadline(as_user, school, ua_case):
    page = as_user("ua-secretary").get(reverse("commission:meeting_new", args=[school("ua-school-1").pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert ua_case.reference in html and f'value="{ua_case.pk}"' in html
    assert "Ахметов" not in html    # references only, no names


@pytest.mark.parametrize("username", ["ua-teacher", "ua-children-service", "ua-coordinator-2", "kz-head"])
def test_who_does_not_schedule_gets_404(as_user, school, username):
    ua = school("ua-school-1")
    assert as_user(username).get(reverse("commission:meeting_new", args=[ua.pk])).status_code == 404
    assert as_user(username).get(reverse("commission:meeting_check", args=[ua.pk])).status_code == 404


def test_the_deadline_warning_appears_before_saving_and_the_reason_is_required(as_user, school, ua_case):
    ua = school("ua-school-1")
    client = as_user("ua-secretary")
    late = timezone.localtime(timezone.now() + dt.timedelta(days=14)).strftime(LOCAL)
    soon = timezone.localtime(timezone.now() + dt.timedelta(days=2)).strftime(LOCAL)
    check = reverse("commission:meeting_check", args=[ua.pk])
    warning = client.get(check, {"starts_at": late, "cases": [ua_case.pk]}, **HTMX).content.decode()
    assert ua_case.reference in warning and "3-working-day deadline" in warning
    assert client.get(check, {"starts_at": soon, "cases": [ua_case.pk]}, **HTMX).content.decode().strip() == ""

    url = reverse("commission:meeting_new", args=[ua.pk])
    post = {"starts_at": late, "place": "Кабінет 12", "cases": [ua_case.pk], "late_reason": ""}
    response = client.post(url, post)
    assert response.status_code == 400
    assert "record the reason" in response.content.decode()
    assert not Meeting.objects.exists()
    response = client.post(url, {**post, "late_reason": "Психолог на лікарняному."})
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response.url == reverse("commission:meeting", args=[meeting.pk])
    assert meeting.late_reason == "Психолог на лікарняному."


# --- The meeting room ---------------------------------------------------------------------

@pytest.mark.parametrize("username", ["ua-head", "ua-secretary", "ua-teacher-2", "ua-children-service"])
def test_members_and_the_head_open_the_room(as_user, meeting, ua_case, username):
    page = as_user(username).get(reverse("commission:meeting", args=[meeting.pk]))
    assert page.status_code == 200
    assert ua_case.reference in page.content.decode()


@pytest.mark.parametrize("username", ["ua-coordinator-2", "ua-police", "kz-head", "ua-ombudsman"])
def test_outsiders_get_404_for_the_room_and_its_parts(as_user, meeting, username):
    client = as_user(username)
    question_less = ["meeting", "meeting_poll", "attendance_card", "minutes"]
    for name in question_less:
        assert client.get(reverse(f"commission:{name}", args=[meeting.pk])).status_code == 404, name
    for name in ["meeting_notice", "meeting_open", "meeting_close", "attendance", "substitution", "invitation",
                 "minutes_formalise", "decision_communicate"]:
        assert client.post(reverse(f"commission:{name}", args=[meeting.pk])).status_code == 404, name
    meeting.refresh_from_db()
    assert meeting.notice_sent_at is None and meeting.status == MeetingStatus.SCHEDULED


def test_attendance_updates_the_quorum_live(as_user, persona, meeting):
    client = as_user("ua-secretary")
    url = reverse("commission:attendance", args=[meeting.pk])
    for name in QUORUM[:5]:
        card = client.post(url, {"member": persona(name).pk, "present": "on"}, **HTMX).content.decode()
    assert 'class="quorum short"' in card and "5 of 9 present" in card
    card = client.post(url, {"member": persona(QUORUM[5]).pk, "present": "on"}, **HTMX).content.decode()
    assert 'class="quorum ok"' in card and "6 of 9 present" in card
    card = client.post(url, {"member": persona(QUORUM[5]).pk}, **HTMX).content.decode()
    assert 'class="quorum short"' in card
    # A member who does not run the meeting cannot mark attendance.
    card = as_user("ua-teacher").post(url, {"member": persona("ua-teacher").pk, "present": "on"}, **HTMX)
    assert "Only the secretary or the chair marks attendance" in card.content.decode()
    assert selectors.quorum_state(meeting)["present"] == 5


def test_opening_without_quorum_shows_the_services_message(as_user, meeting):
    response = as_user("ua-secretary").post(reverse("commission:meeting_open", args=[meeting.pk]), follow=True)
    assert "There is no quorum" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.SCHEDULED


def test_notice_is_sent_from_the_room(as_user, meeting):
    response = as_user("ua-secretary").post(reverse("commission:meeting_notice", args=[meeting.pk]), follow=True)
    assert response.status_code == 200 and "Notice sent" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.notice_sent_at


def test_a_member_votes_as_themself_with_a_dissent_and_the_tally_updates(as_user, persona, meeting):
    meeting = open_session(persona, meeting)
    question = question_of(meeting)
    url = reverse("commission:vote", args=[meeting.pk, question.pk])
    response = as_user("ua-teacher").post(url, {"choice": "against", "dissent": "Недостатньо доказів."}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Недостатньо доказів." in html and "Against: <strong>1</strong>" in html
    vote = Vote.objects.get()
    assert vote.user == persona("ua-teacher") and vote.choice == "against"

    # An absent member cannot vote; nothing is saved.
    response = as_user("ua-teacher-2").post(url, {"choice": "for"}, **HTMX)
    assert response.status_code == 400
    assert "Only members present at the meeting vote" in response.content.decode()
    assert Vote.objects.count() == 1
    # A bad choice is refused per field.
    response = as_user("ua-psychologist").post(url, {"choice": "maybe"}, **HTMX)
    assert response.status_code == 400 and Vote.objects.count() == 1

    tally = as_user("ua-children-service").get(reverse("commission:tally", args=[meeting.pk, question.pk]))
    assert tally.status_code == 200 and persona("ua-teacher").get_full_name() in tally.content.decode()
    room = as_user("ua-children-service").get(reverse("commission:meeting", args=[meeting.pk])).content.decode()
    assert persona("ua-head").get_full_name() in room          # the chair, in the session card
    assert not [u for u in ("ua-teacher", "ua-head", "ua-secretary") if u in room]


def test_the_whole_meeting_in_the_room(as_user, persona, meeting, ua_case):
    meeting = open_session(persona, meeting)
    question = question_of(meeting)
    for name in QUORUM[:5]:
        services.vote_cast(user=persona(name), question=question, choice="for")
    services.vote_cast(user=persona("ua-teacher"), question=question, choice="against", dissent="Не згоден.")
    secretary = as_user("ua-secretary")
    poll = reverse("commission:meeting_poll", args=[meeting.pk])
    version = secretary.get(reverse("commission:meeting", args=[meeting.pk])).context["version"]
    assert "HX-Refresh" not in secretary.get(poll, {"v": version}, **HTMX)

    response = secretary.post(reverse("commission:question_close", args=[meeting.pk, question.pk]), follow=True)
    assert "The vote is closed: adopted." in response.content.decode()
    assert secretary.get(poll, {"v": version}, **HTMX)["HX-Refresh"] == "true"

    item = meeting.agenda.get()
    url = reverse("commission:decision_new", args=[meeting.pk, item.pk])
    assert as_user("ua-teacher").get(url).status_code == 404   # a member who does not keep the minutes
    secretary = as_user("ua-secretary")
    assert secretary.get(url).status_code == 200
    data = {"monitoring-TOTAL_FORMS": "3", "monitoring-INITIAL_FORMS": "0"}
    response = secretary.post(url, data)
    assert response.status_code == 400 and "Required when the bullying is confirmed" in response.content.decode()
    data.update({"needs_assessment": "Потреби", "causes_and_measures": "Причини", "class_measures": "Клас",
                 "recommendations_teachers": "Вчителям", "recommendations_parents": "Батькам",
                 "monitoring-0-description": "Бесіда психолога щотижня",
                 "monitoring-0-owner": persona("ua-psychologist").pk,
                 "monitoring-0-due_date": (timezone.localdate() + dt.timedelta(days=30)).isoformat()})
    assert secretary.post(url, data).status_code == 302
    assert item.decision.monitoring.count() == 1

    secretary.post(reverse("commission:meeting_close", args=[meeting.pk]))
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CLOSED
    head = as_user("ua-head")
    order = reverse("commission:minutes_formalise", args=[meeting.pk])
    assert head.post(order, {"order_number": "", "order_date": "2026-03-01"}).status_code == 400
    assert head.post(order, {"order_number": "12-од", "order_date": "2026-03-01"}).status_code == 302
    head.post(reverse("commission:decision_communicate", args=[meeting.pk]))
    meeting.refresh_from_db()
    assert meeting.minutes_order_number == "12-од" and meeting.decision_communicated_at

    pdf = as_user("ua-children-service").get(reverse("commission:minutes", args=[meeting.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_an_invited_person_sees_only_their_case_and_loses_the_room_when_it_closes(as_user, persona, meeting,
                                                                                   ua_case, file_case):
    other = file_case(persona("ua-coordinator"), "ua-school-1")
    meeting.agenda.create(case=other, position=2)
    client = as_user("ua-secretary")
    response = client.post(reverse("commission:invitation", args=[meeting.pk]),
                           {"case": ua_case.pk, "invitee": persona("ua-police").pk})
    assert response.status_code == 400 and "consent" in response.content.decode()
    response = client.post(reverse("commission:invitation", args=[meeting.pk]),
                           {"case": ua_case.pk, "invitee": persona("ua-police").pk, "consent_recorded": "on"})
    assert response.status_code == 302

    police = as_user("ua-police")
    room = police.get(reverse("commission:meeting", args=[meeting.pk]))
    assert room.status_code == 200
    html = room.content.decode()
    assert ua_case.reference in html and other.reference not in html
    assert police.get(reverse("commission:minutes", args=[meeting.pk])).status_code == 404
    assert police.get(reverse("cases:detail", args=[ua_case.pk])).status_code == 200

    open_session(persona, meeting)
    services.meeting_close(user=persona("ua-secretary"), meeting=meeting)
    police = as_user("ua-police")
    assert police.get(reverse("commission:meeting", args=[meeting.pk])).status_code == 404
    assert police.get(reverse("cases:detail", args=[ua_case.pk])).status_code == 404


def test_the_meetings_list_shows_the_schools_meetings(as_user, meeting):
    html = as_user("ua-social-centre").get(reverse("commission:home")).content.decode()
    assert reverse("commission:meeting", args=[meeting.pk]) in html
    assert reverse("commission:meeting", args=[meeting.pk]) not in as_user("ua-police").get(
        reverse("commission:home")).content.decode()


def test_the_room_costs_a_few_queries_per_agenda_item(client, persona, school, file_case):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def room_queries(n):
        cases = [file_case(persona("ua-coordinator"), "ua-school-1") for _ in range(n)]
        meeting = services.meeting_schedule(user=persona("ua-secretary"), school=school("ua-school-1"),
                                            starts_at=timezone.now() + dt.timedelta(minutes=10), place="Зала",
                                            cases=cases, short_notice_reason="Термінове засідання")
        meeting = open_session(persona, meeting)
        client.force_login(persona("ua-secretary"))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("commission:meeting", args=[meeting.pk])).status_code == 200
        return len(queries)

    one, five = room_queries(1), room_queries(5)
    assert (five - one) / 4 <= 5, (one, five)


def test_the_admin_shows_meetings_and_compositions_read_only(admin_client, meeting):
    assert admin_client.get(reverse("admin:commission_meeting_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:commission_meeting_change", args=[meeting.pk])).status_code == 200
    composition = meeting.composition
    assert admin_client.get(reverse("admin:commission_composition_change", args=[composition.pk])).status_code == 200
    assert admin_client.get(reverse("admin:commission_composition_add")).status_code == 403


def test_the_deputy_chairs_when_the_head_is_absent(as_user, persona, meeting):
    present = ["ua-coordinator", "ua-secretary", "ua-psychologist", "ua-social-pedagogue", "ua-teacher",
               "ua-teacher-2"]
    for name in present:
        services.attendance_mark(user=persona("ua-secretary"), meeting=meeting, member=persona(name), present=True)
    client = as_user("ua-secretary")
    response = client.post(reverse("commission:meeting_open", args=[meeting.pk]), follow=True)
    assert "Nobody chairs the meeting" in response.content.decode()
    url = reverse("commission:substitution", args=[meeting.pk])
    response = client.post(url, {"basis": "deputy_for_chair", "substitute": persona("ua-teacher").pk})
    assert response.status_code == 400 and "The deputy chair acts only when the chair is absent" in (
        response.content.decode())
    response = client.post(url, {"basis": "deputy_for_chair", "substitute": persona("ua-coordinator").pk})
    assert response.status_code == 302
    client.post(reverse("commission:meeting_open", args=[meeting.pk]))
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.OPEN and meeting.acting_chair == persona("ua-coordinator")
    # The acting chair closes the vote and records the decision; the absent head does not chair.
    question = question_of(meeting)
    assert as_user("ua-coordinator").post(
        reverse("commission:question_close", args=[meeting.pk, question.pk])).status_code == 302
    question.refresh_from_db()
    assert question.closed_at is not None
