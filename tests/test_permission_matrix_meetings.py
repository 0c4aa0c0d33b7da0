"""The permission matrix for the school commission: every role × every meeting and
school-commission page and endpoint → the expected status.

One UA meeting is in session with one case on its agenda. The nine members of
the approved composition (the head chairs it) are insiders; every other
persona, of another school, agency or jurisdiction, gets a 404 for the meeting,
its questions and items, exactly as for ids that do not exist. What an insider
may DO (only runners close a vote, only the head formalises minutes…) is
tested in tests/commission; here a write by an insider must simply not be a
404 or a server error, and a write by an outsider must be a 404 that changes
nothing.
"""

import datetime as dt

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from agencies.demo import USERS
from commission import services
from commission.demo import UA_COMPOSITION
from commission.models import Meeting, Vote

pytestmark = pytest.mark.django_db

INSIDERS = {name for name, _position, _speciality in UA_COMPOSITION}
CHAIR_AND_SECRETARY = {"ua-head", "ua-secretary"}
PRESENT = ["ua-head", "ua-coordinator", "ua-secretary", "ua-psychologist", "ua-social-pedagogue", "ua-teacher"]


def everyone_but(allowed: set, status: int):
    return lambda username: status if username in allowed else 404


# (url name, method, which ids the URL takes, expected status by persona; None = any non-404 below 500)
MEETING_ROUTES = [
    ("commission:meeting", "get", "meeting", everyone_but(INSIDERS, 200)),
    ("commission:meeting_poll", "get", "meeting", everyone_but(INSIDERS, 204)),
    ("commission:attendance_card", "get", "meeting", everyone_but(INSIDERS, 200)),
    ("commission:tally", "get", "question", everyone_but(INSIDERS, 200)),
    ("commission:minutes", "get", "meeting", everyone_but(INSIDERS, 200)),
    ("commission:decision_new", "get", "item", everyone_but(CHAIR_AND_SECRETARY, 200)),
    ("api-meeting-detail", "get", "meeting", everyone_but(INSIDERS, 200)),
    ("api-meeting-attendance", "get", "meeting", everyone_but(INSIDERS, 200)),
    ("api-meeting-votes", "get", "meeting", everyone_but(INSIDERS, 200)),
    ("api-meeting-minutes", "get", "meeting", everyone_but(INSIDERS, 200)),
    ("commission:composition", "get", "school", everyone_but(INSIDERS, 200)),
    ("commission:meeting_new", "get", "school", everyone_but(CHAIR_AND_SECRETARY, 200)),
    ("commission:meeting_check", "get", "school", everyone_but(CHAIR_AND_SECRETARY, 200)),
    ("commission:meeting_notice", "post", "meeting", everyone_but(INSIDERS, None)),
    ("commission:invitation", "post", "meeting", everyone_but(INSIDERS, None)),
    ("commission:meeting_notice_record", "post", "meeting", everyone_but(INSIDERS, None)),
    ("commission:question_put_again", "post", "item", everyone_but(INSIDERS, None)),
    ("commission:attendance", "post", "meeting", everyone_but(INSIDERS, None)),
    ("commission:substitution", "post", "meeting", everyone_but(INSIDERS, None)),
    ("commission:meeting_open", "post", "meeting", everyone_but(INSIDERS, None)),
    ("commission:vote", "post", "question", everyone_but(INSIDERS, None)),
    ("commission:question_close", "post", "question", everyone_but(INSIDERS, None)),
    ("commission:decision_new", "post", "item", everyone_but(CHAIR_AND_SECRETARY, None)),
    ("commission:meeting_close", "post", "meeting", everyone_but(INSIDERS, None)),
    ("commission:minutes_formalise", "post", "meeting", everyone_but(INSIDERS, None)),
    ("commission:decision_communicate", "post", "meeting", everyone_but(INSIDERS, None)),
    ("api-meeting-attendance", "post", "meeting", everyone_but(INSIDERS, None)),
    ("api-meeting-votes", "post", "meeting", everyone_but(INSIDERS, None)),
    ("commission:composition", "post", "school", everyone_but({"ua-head"}, None)),
    ("commission:meeting_new", "post", "school", everyone_but(CHAIR_AND_SECRETARY, None)),
]
# Lists: 200 for everyone, showing only the meetings the persona may see.
MEETING_LIST_ROUTES = ["commission:home", "api-meeting-list"]
NOT_MEETING_SCOPED = {
    "api-commission-list": "lists only the commissions the user sits on or heads (tests/commission/test_api.py)",
    "api-meeting-list (POST)": "schedules for a school named in the body; refused per field otherwise",
}
COVERED_NAMES = {name for name, *_ in MEETING_ROUTES} | set(MEETING_LIST_ROUTES) | {"api-commission-list"}


@pytest.fixture
def meeting(demo, persona, school, file_case):
    case = file_case(persona("ua-coordinator"), "ua-school-1")
    secretary = persona("ua-secretary")
    meeting = services.meeting_schedule(
        user=secretary, school=school("ua-school-1"), starts_at=timezone.now() + dt.timedelta(minutes=10),
        place="Кабінет 12", cases=[case], late_reason="Матеріали готуються", short_notice_reason="Термінове засідання")
    for username in PRESENT:
        services.attendance_mark(user=secretary, meeting=meeting, member=persona(username), present=True)
    return services.meeting_open(user=secretary, meeting=meeting)


def _args(kind, meeting):
    item = meeting.agenda.get()
    return {
        "meeting": [meeting.pk],
        "question": [meeting.pk, item.questions.get().pk],
        "item": [meeting.pk, item.pk],
        "school": [meeting.commission.school_id],
    }[kind]


def _client(user):
    client = APIClient()
    client.force_login(user)
    return client


def _check(client, username, meeting, route) -> str | None:
    """Request one route; return a description of the mismatch, or None."""
    name, method, kind, expect = route
    url = reverse(name, args=_args(kind, meeting))
    votes_before, status_before = Vote.objects.count(), Meeting.objects.get().status
    response = client.get(url) if method == "get" else client.post(url, {})
    expected, got = expect(username), response.status_code
    if expected is None and (got == 404 or got >= 500):
        return f"{method.upper()} {name}: expected a non-404 answer, got {got}"
    if expected is not None and got != expected:
        return f"{method.upper()} {name}: expected {expected}, got {got}"
    if got == 404:
        if (Vote.objects.count(), Meeting.objects.get().status) != (votes_before, status_before):
            return f"{method.upper()} {name}: a 404 changed the meeting"
        if "Кабінет 12" in response.content.decode():
            return f"{method.upper()} {name}: a 404 showed the meeting"
    return None


@pytest.mark.parametrize("username", list(USERS))
def test_every_meeting_route_for(meeting, persona, username):
    """All routes for one persona; each request runs in a savepoint that is rolled back,
    so a write by one route (closing the meeting…) never changes what the next one sees."""
    client = _client(persona(username))
    mismatches = []
    for route in MEETING_ROUTES:
        with transaction.atomic():
            problem = _check(client, username, meeting, route)
            transaction.set_rollback(True)
        if problem:
            mismatches.append(problem)
    assert not mismatches, f"{username}: " + "; ".join(mismatches)


@pytest.mark.parametrize("username", list(USERS))
def test_meeting_lists_show_only_the_meetings_the_persona_may_see(meeting, persona, username):
    client = _client(persona(username))
    page = client.get(reverse("commission:home")).content.decode()
    api = client.get(reverse("api-meeting-list")).json()
    listed = [row["id"] for row in api["results"]]
    shown = reverse("commission:meeting", args=[meeting.pk]) in page
    assert shown == (username in INSIDERS) and (meeting.pk in listed) == (username in INSIDERS)
