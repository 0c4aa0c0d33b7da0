"""The permission matrix: every role × every case page and endpoint × own school,
another school, another jurisdiction → the expected status.

Two cases exist: one filed in KZ school 1, one in UA school 1. A persona either
works that case (its school's case team, or the teacher who filed it) or gets a
404, exactly like for a case that does not exist. List pages answer 200 to
everyone but never show a case the persona may not see.

``test_every_url_is_in_the_matrix`` fails when a URL is added without a row here.
"""

import datetime as dt

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from rest_framework.test import APIClient

from agencies.demo import USERS
from conftest import make_parties

pytestmark = pytest.mark.django_db

CASE_SCHOOLS = {"kz": "kz-school-1", "ua": "ua-school-1"}
# Who works each case: the school's case team; the class teacher only files their own.
CASE_TEAM = {
    "kz": {"kz-head", "kz-coordinator", "kz-psychologist", "kz-social-pedagogue"},
    "ua": {"ua-head", "ua-coordinator", "ua-psychologist", "ua-social-pedagogue"},
}


def relation(username: str, case_key: str) -> str:
    school, _role = USERS[username]
    if school == CASE_SCHOOLS[case_key]:
        return "own school"
    if school.startswith(case_key):
        return "other agency or school, same jurisdiction"
    return "other jurisdiction"


def _party_payload():
    return {"role": "witness", "family_name": "Серік", "given_name": "Асқар", "birth_date": "2012-05-01"}


# Case-scoped pages and endpoints: (url name, method, payload maker, success status).
CASE_ROUTES = [
    ("cases:detail", "get", None, 200),
    ("api-case-detail", "get", None, 200),
    ("api-case-parties", "get", None, 200),
    ("api-case-parties", "post", _party_payload, 201),
]
# Lists: everyone gets 200, and a case appears only to those who work it.
LIST_ROUTES = [("cases:list", "get"), ("api-case-list", "get")]
# Not about one case's data, each with the reason it needs no row above.
NOT_CASE_SCOPED = {
    "home": "redirects to the case list",
    "login": "the login page",
    "logout": "logs out",
    "set_language": "stores the language choice",
    "cases:new": "the intake form; filing for a school is checked by the service (tests/web)",
    "api-token": "issues a token for a username and password",
    "api-agency-list": "agencies are public directory data, no personal data",
    "api-schema": "the OpenAPI document, no data",
    "api-docs": "the API documentation page, no data",
}


@pytest.fixture
def cases(demo, persona, file_case):
    now = timezone.now()
    parties = make_parties()
    return {
        "kz": file_case(persona("kz-coordinator"), "kz-school-1", parties=parties),
        "ua": file_case(persona("ua-coordinator"), "ua-school-1", parties=parties,
                        received_at=now - dt.timedelta(minutes=20)),
    }


def _client_for(user):
    client = APIClient()
    client.force_login(user)
    return client


MATRIX = [
    (username, case_key, name, method)
    for username in USERS
    for case_key in CASE_SCHOOLS
    for name, method, _payload, _ok in CASE_ROUTES
]


def _expected(username, case_key, success):
    return success if username in CASE_TEAM[case_key] else 404


@pytest.mark.parametrize("username, case_key, name, method", MATRIX,
                         ids=[f"{u}-{c}-{n}-{m}" for u, c, n, m in MATRIX])
def test_case_route(cases, persona, username, case_key, name, method):
    case = cases[case_key]
    payload_maker, success = next((p, ok) for n, m, p, ok in CASE_ROUTES if (n, m) == (name, method))
    client = _client_for(persona(username))
    url = reverse(name, args=[case.pk])
    if method == "get":
        response = client.get(url)
    else:
        response = client.post(url, payload_maker(), format="json")
    expected = _expected(username, case_key, success)
    assert response.status_code == expected, (
        f"{username} ({relation(username, case_key)}) {method.upper()} {name}: "
        f"expected {expected}, got {response.status_code}"
    )
    if expected == 404:
        body = response.content.decode()
        assert case.reference not in body and "Ахметов" not in body


LIST_MATRIX = [(username, name) for username in USERS for name, _m in LIST_ROUTES]


@pytest.mark.parametrize("username, name", LIST_MATRIX, ids=[f"{u}-{n}" for u, n in LIST_MATRIX])
def test_lists_show_only_cases_the_persona_works(cases, persona, username, name):
    response = _client_for(persona(username)).get(reverse(name))
    assert response.status_code == 200
    body = response.content.decode()
    for case_key, case in cases.items():
        assert (case.reference in body) == (username in CASE_TEAM[case_key]), (username, case_key)


def test_a_class_teacher_works_only_the_cases_they_filed(cases, persona, file_case):
    teacher = persona("kz-teacher")
    own = file_case(teacher, "kz-school-1")
    client = _client_for(teacher)
    assert client.get(reverse("cases:detail", args=[own.pk])).status_code == 200
    assert client.get(reverse("api-case-detail", args=[own.pk])).status_code == 200
    assert client.get(reverse("cases:detail", args=[cases["kz"].pk])).status_code == 404


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


def test_every_url_is_in_the_matrix():
    covered = {name for name, *_ in CASE_ROUTES} | {name for name, _ in LIST_ROUTES} | set(NOT_CASE_SCOPED)
    missing = sorted(set(_named_routes()) - covered)
    assert not missing, f"Add these URLs to the permission matrix: {missing}"

