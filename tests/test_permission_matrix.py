"""The permission matrix: every role × every case page and endpoint × own school,
another school, another jurisdiction → the expected status.

Two cases exist: one filed in KZ school 1, one in UA school 1. A persona either
works a case (its school's case team, or the teacher who filed it) or gets a
404, exactly like for a case that does not exist. Reads by the team have exact
statuses; what a team member may write is tested per feature (tests/cases,
tests/notifications), so here a team write must not be a 404 or a server error,
and an outsider's write must be a 404 that changes nothing. List pages answer
200 to everyone and never show a case the persona may not see.

The meeting routes, and each app of agency casework, have their own matrix
(tests/test_permission_matrix_<area>.py, each declaring ``COVERED_NAMES``);
``test_every_url_is_in_a_matrix`` fails when a URL is added without a row.
"""

import datetime as dt
import importlib
from pathlib import Path

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from rest_framework.test import APIClient

from agencies.demo import USERS
from agencies.models import Agency
from cases.models import Case
from cases.services import PartyInput, case_register
from conftest import make_parties
from notifications.models import Deadline, Notice
from notifications.services.notices import notice_send
from privacy.models import AuditEvent

pytestmark = pytest.mark.django_db

CASE_SCHOOLS = {"kz": "kz-school-1", "ua": "ua-school-1", "kz111": "kz-111"}
# Who works each case: the school's case team; the class teacher only files their own. A case the
# 111 centre opened (issue #9), not linked to a school: the centre's staff only.
CASE_TEAM = {
    "kz": {"kz-head", "kz-coordinator", "kz-psychologist", "kz-social-pedagogue"},
    "ua": {"ua-head", "ua-coordinator", "ua-psychologist", "ua-social-pedagogue"},
    "kz111": {"kz-111"},
}
WRITE = None  # a team write: any answer but a 404 or a server error


def relation(username: str, case_key: str) -> str:
    school, _role = USERS[username]
    if school == CASE_SCHOOLS[case_key]:
        return "own school"
    if school.startswith(case_key[:2]):
        return "other school or agency, same jurisdiction"
    return "other jurisdiction"


def _party_payload(case):
    return {"role": "witness", "family_name": "Серік", "given_name": "Асқар", "birth_date": "2012-05-01"}


def _empty(case):
    return {}


def _reason(case):
    return {"reason": "Нақтыланды.", "kinds": ["cyberbullying"]}


# (url name, method, what the URL takes, payload maker, status for the case team)
CASE_ROUTES = [
    ("cases:detail", "get", "case", None, 200),
    ("api-case-detail", "get", "case", None, 200),
    ("api-case-parties", "get", "case", None, 200),
    ("api-case-parties", "post", "case", _party_payload, 201),
    ("api-case-deadlines", "get", "case", None, 200),
    ("api-case-notices", "get", "case", None, 200),
    ("api-case-notices", "post", "case", _empty, WRITE),
    ("api-case-events", "post", "case", _empty, WRITE),
    ("notifications:notice_new", "post", "case", _empty, WRITE),
    ("notifications:event_new", "post", "case", _empty, WRITE),
    ("notifications:deadline_waive", "post", "deadline", _empty, WRITE),
    ("api-deadline-waive", "post", "deadline", _empty, WRITE),
    # The case's lifecycle (issue #9 item 10): the team reads the forms; writes go through services.
    ("cases:edit", "get", "case", None, 200),
    ("cases:edit", "post", "case", _empty, WRITE),
    ("cases:party_new", "get", "case", None, 200),
    ("cases:party_new", "post", "case", _empty, WRITE),
    ("cases:screening_new", "get", "case", None, 200),
    ("cases:screening_new", "post", "case", _empty, WRITE),
    ("cases:close", "get", "case", None, 200),
    ("cases:close", "post", "case", _empty, WRITE),
    ("cases:reopen", "get", "case", None, 200),
    ("cases:reopen", "post", "case", _empty, WRITE),
    # Only for a case an agency opened (403 to a school's team): any answer but a 404 to the team.
    ("cases:link_school", "get", "case", None, WRITE),
    ("cases:link_school", "post", "case", _empty, WRITE),
    ("cases:merge", "post", "case", _empty, WRITE),
    ("api-case-detail", "patch", "case", _reason, 200),
    ("api-case-close", "post", "case", _empty, WRITE),
    ("api-case-reopen", "post", "case", _empty, WRITE),
    ("api-case-link-school", "post", "case", _empty, WRITE),
    ("api-case-merge", "post", "case", _empty, WRITE),
    ("api-case-screenings", "post", "case", _empty, WRITE),
]
# Lists: everyone gets 200, and a case appears only to those who work it.
LIST_ROUTES = ["cases:list", "api-case-list"]
# A notice is acknowledged by its receiving agency only.
NOTICE_ROUTES = [("notifications:inbox_acknowledge", "post"), ("api-inbox-acknowledge", "post")]
NOTICE_RECEIVER = "kz-guardianship"  # the agency code
# Not about one case's data, each with the reason it needs no row above.
NOT_CASE_SCOPED = {
    "home": "redirects to the case list",
    "login": "the login page",
    "logout": "logs out",
    "set_language": "stores the language choice",
    "favicon": "redirects to the static icon",
    "cases:new": "the intake form; filing for a school or an agency is checked by the service "
                 "(tests/web, tests/cases/test_intake_agency.py)",
    "api-token": "issues a token for a username and password",
    "api-agency-list": "agencies are public directory data, no personal data",
    "api-schema": "the OpenAPI document, no data",
    "api-docs": "the API documentation page, no data",
    "notifications:inbox": "lists only notices to the user's own agencies (tests/notifications/test_views.py)",
    "api-inbox": "lists only notices to the user's own agencies (tests/notifications/test_api.py)",
    "notifications:bell": "lists only the user's own messages, which carry no personal data",
}


@pytest.fixture
def cases(demo, persona, file_case):
    now = timezone.now()
    cases = {
        "kz": file_case(persona("kz-coordinator"), "kz-school-1", parties=make_parties()),
        "ua": file_case(persona("ua-coordinator"), "ua-school-1", parties=make_parties(),
                        received_at=now - dt.timedelta(minutes=20)),
        "kz111": case_register(
            user=persona("kz-111"), intake_agency=Agency.objects.get(code="kz-111"), school=None,
            received_at=now - dt.timedelta(minutes=30), incident_at=None, channel="contact_centre_111",
            kinds=["violence"], parties=[*make_parties(), PartyInput(role="reporter", family_name="Серікова",
                                                                      given_name="Гүлнар", is_minor=False)]),
    }
    # The 111 case has clocks of its own (its school's wait for a school): the intake agency's
    # notices (KZ §18.2, §18.3). A flagged placement would give the case to the commission (KZ §45).
    assert Deadline.objects.filter(case=cases["kz111"]).exists()
    return cases


@pytest.fixture
def notice(demo, persona, file_case):
    """A notice to the guardianship authority, about a third case (so the others stay unshared)."""
    case = file_case(persona("kz-coordinator"), "kz-school-1")
    return notice_send(user=persona("kz-head"), case=case, channel="phone",
                       to_agency=Agency.objects.get(code=NOTICE_RECEIVER))


def _client(user):
    client = APIClient()
    client.force_login(user)
    return client


def _url(name, kind, case):
    if kind == "deadline":
        return reverse(name, args=[Deadline.objects.filter(case=case).first().pk])
    return reverse(name, args=[case.pk])


def _state(case):
    fresh = Case.objects.get(pk=case.pk)
    return (case.parties.count(), Notice.objects.filter(case=case).count(),
            list(Deadline.objects.filter(case=case).order_by("pk").values_list("state", flat=True)),
            fresh.kinds, fresh.status, fresh.school_id, case.screenings.count())


def _check(client, username, case_key, case, route) -> str | None:
    name, method, kind, payload, team_status = route
    url = _url(name, kind, case)
    before = _state(case)
    if method == "get":
        response = client.get(url)
    else:
        response = getattr(client, method)(url, payload(case), format="json")
    expected, got = (team_status if username in CASE_TEAM[case_key] else 404), response.status_code
    where = f"{method.upper()} {name} on the {case_key} case ({relation(username, case_key)})"
    if expected is WRITE and (got == 404 or got >= 500):
        return f"{where}: expected a non-404 answer, got {got}"
    if expected is not WRITE and got != expected:
        return f"{where}: expected {expected}, got {got}"
    if got == 404:
        body = response.content.decode()
        # The victim's given name: the header names the user, and a demo user is called Ахметова.
        if case.reference in body or "Ерлан" in body:
            return f"{where}: the 404 showed the case"
        if _state(case) != before:
            return f"{where}: the 404 changed the case"
    return None


@pytest.mark.parametrize("username", list(USERS))
def test_every_case_route_for(cases, persona, username):
    """All case routes on both cases for one persona; each request is rolled back after."""
    client = _client(persona(username))
    mismatches = []
    for case_key, case in cases.items():
        for route in CASE_ROUTES:
            with transaction.atomic():
                problem = _check(client, username, case_key, case, route)
                transaction.set_rollback(True)
            if problem:
                mismatches.append(problem)
    assert not mismatches, f"{username}: " + "; ".join(mismatches)


@pytest.mark.parametrize("username", list(USERS))
def test_lists_show_only_cases_the_persona_works(cases, persona, username):
    client = _client(persona(username))
    for name in LIST_ROUTES:
        response = client.get(reverse(name))
        assert response.status_code == 200
        body = response.content.decode()
        for case_key, case in cases.items():
            assert (case.reference in body) == (username in CASE_TEAM[case_key]), (name, case_key)


@pytest.mark.parametrize("username", list(USERS))
def test_only_the_receiving_agency_acknowledges_a_notice(notice, persona, username):
    client = _client(persona(username))
    for name, _method in NOTICE_ROUTES:
        with transaction.atomic():
            response = client.post(reverse(name, args=[notice.pk]), {})
            acknowledged = Notice.objects.get(pk=notice.pk).acknowledged_at is not None
            transaction.set_rollback(True)
        if USERS[username][0] == NOTICE_RECEIVER:  # the agency's officer and its head
            assert response.status_code in (200, 302) and acknowledged, name
        else:
            assert response.status_code == 404 and not acknowledged, (name, response.status_code)


def test_a_class_teacher_works_only_the_cases_they_filed(cases, persona, file_case):
    teacher = persona("kz-teacher")
    own = file_case(teacher, "kz-school-1")
    client = _client(teacher)
    assert client.get(reverse("cases:detail", args=[own.pk])).status_code == 200
    assert client.get(reverse("api-case-detail", args=[own.pk])).status_code == 200
    assert client.get(reverse("cases:detail", args=[cases["kz"].pk])).status_code == 404


def test_a_refused_read_is_audited(cases, persona):
    _client(persona("kz-coordinator-2")).get(reverse("cases:detail", args=[cases["kz"].pk]))
    assert AuditEvent.objects.filter(action="access_refused", case_id=cases["kz"].pk).exists()


def test_an_anonymous_visitor_sees_nothing(cases):
    case = cases["kz"]
    client = APIClient()
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 302  # to the login page
    assert client.get(reverse("api-case-detail", args=[case.pk])).status_code == 401
    assert client.get(reverse("api-case-list")).status_code == 401


def _named_routes(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.app_name == "admin" or str(entry.pattern).startswith("admin/"):
                continue
            prefix = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _named_routes(entry, prefix)
        elif isinstance(entry, URLPattern):
            yield f"{namespace}{entry.name}" if entry.name else str(entry.pattern)


def _other_matrices() -> set[str]:
    """The URL names the other matrices cover: every ``tests/test_permission_matrix_*.py``
    module (meetings, and one per app of agency casework) declares its ``COVERED_NAMES``."""
    names: set[str] = set()
    for path in sorted(Path(__file__).parent.glob("test_permission_matrix_*.py")):
        module = importlib.import_module(f"tests.{path.stem}")
        names |= set(module.COVERED_NAMES)
    return names


def test_every_url_is_in_a_matrix():
    covered = ({name for name, *_ in CASE_ROUTES} | set(LIST_ROUTES) | {n for n, _ in NOTICE_ROUTES}
               | set(NOT_CASE_SCOPED) | _other_matrices())
    missing = sorted(set(_named_routes()) - covered)
    assert not missing, f"Add these URLs to the permission matrix: {missing}"
