"""The permission matrix for assignment (issue #9): every persona × the assignment routes × a case
their agency holds and one it does not → the exact status.

Two cases: one of KZ school 1 shared with the police and the guardianship authority, one of UA
school 1 shared with the children's service. Whoever may not read a case gets a 404 on GET and
POST, and nothing changes. A reader posts "give the case, in my agency if it holds the case (else
in the first agency it was shared with), to that agency's officer": the agency's head, duty
officer or (in a school) coordinator succeeds, the officer named takes the case themselves and
succeeds too, and every other reader is refused with a 400 that changes nothing.
"""

import pytest
from django.db import transaction
from django.urls import reverse
from rest_framework.test import APIClient

from agencies.demo import USERS
from agencies.models import ASSIGNING_ROLES, Agency
from cases.models import CaseAccess
from cases.services import case_share_with_agency

pytestmark = pytest.mark.django_db

SHARED_WITH = {"kz": ["kz-police", "kz-guardianship"], "ua": ["ua-children-service"]}
SCHOOLS = {"kz": "kz-school-1", "ua": "ua-school-1"}
SCHOOL_TEAM_ROLES = {"head", "coordinator", "psychologist", "social_pedagogue"}
# The officer each holding agency's case is given to in the posts below (not one who assigns).
TARGET = {"kz-school-1": "kz-psychologist", "kz-police": "kz-police-2", "kz-guardianship": "kz-guardianship",
          "ua-school-1": "ua-psychologist", "ua-children-service": "ua-children-service"}

# (url name, method, expected status for a reader: "read", or "write" with (success, refused))
ROUTES = [
    ("cases:detail", "get", 200, 200),
    ("api-case-assignment", "get", 200, 200),
    ("api-case-assignment", "post", 200, 400),
    ("casework:assign", "post", 302, 400),
]
COVERED_NAMES = {"api-case-assignment", "casework:assign"}


def holding_agencies(case_key):
    return [SCHOOLS[case_key], *SHARED_WITH[case_key]]


def reads(username, case_key) -> bool:
    agency_code, role = USERS[username]
    if agency_code == SCHOOLS[case_key]:
        return role in SCHOOL_TEAM_ROLES
    return agency_code in SHARED_WITH[case_key]


def payload_for(username, case_key, ids) -> tuple[dict, bool]:
    """What the persona posts, and whether it should succeed (if they read the case)."""
    agency_code, role = USERS[username]
    holds = agency_code in holding_agencies(case_key)
    agency = agency_code if holds else SHARED_WITH[case_key][0]
    target = TARGET[agency]
    allowed = (holds and role in ASSIGNING_ROLES) or username == target
    return {"agency": agency, "assignee": ids[target]}, allowed


@pytest.fixture
def world(demo, persona, file_case):
    cases = {"kz": file_case(persona("kz-coordinator"), "kz-school-1"),
             "ua": file_case(persona("ua-coordinator"), "ua-school-1")}
    for key, codes in SHARED_WITH.items():
        for code in codes:
            case_share_with_agency(case=cases[key], agency=Agency.objects.get(code=code))
    ids = {name: persona(name).pk for name in TARGET.values()}
    return cases, ids


def _holders(case):
    return sorted(CaseAccess.objects.filter(case=case, group__isnull=False).values_list("group_id", "assignee_id"))


def _check(client, username, case_key, case, ids, route) -> str | None:
    name, method, success, refused = route
    url = reverse(name, args=[case.pk])
    payload, allowed = payload_for(username, case_key, ids)
    before = _holders(case)
    if method == "get":
        response = client.get(url)
    elif name.startswith("api-"):
        response = client.post(url, payload, format="json")
    else:
        response = client.post(url, payload)
    if not reads(username, case_key):
        expected = 404
    else:
        expected = success if method == "get" or allowed else refused
    got = response.status_code
    where = f"{method.upper()} {name} on the {case_key} case"
    if got != expected:
        return f"{where}: expected {expected}, got {got}"
    if got in (400, 404) and _holders(case) != before:
        return f"{where}: a {got} changed who holds the case"
    if got == 404 and case.reference in response.content.decode():
        return f"{where}: the 404 showed the case"
    if method == "post" and got in (200, 302):
        target = payload["assignee"]
        group = Agency.objects.get(code=payload["agency"]).case_group_id
        if (group, target) not in _holders(case):
            return f"{where}: answered {got} but the case was not assigned"
    return None


@pytest.mark.parametrize("username", list(USERS))
def test_every_assignment_route_for(world, persona, username):
    cases, ids = world
    client = APIClient()
    client.force_login(persona(username))
    mismatches = []
    for case_key, case in cases.items():
        for route in ROUTES:
            with transaction.atomic():
                problem = _check(client, username, case_key, case, ids, route)
                transaction.set_rollback(True)
            if problem:
                mismatches.append(problem)
        # The browser route takes posts only, and says nothing of the case to a GET.
        assert client.get(reverse("casework:assign", args=[case.pk])).status_code == 405
    assert not mismatches, f"{username}: " + "; ".join(mismatches)


def test_an_anonymous_visitor_cannot_assign(world):
    cases, ids = world
    client = APIClient()
    case = cases["kz"]
    before = _holders(case)
    assert client.get(reverse("api-case-assignment", args=[case.pk])).status_code == 401
    body = {"agency": "kz-police", "assignee": ids["kz-police-2"]}
    assert client.post(reverse("api-case-assignment", args=[case.pk]), body, format="json").status_code == 401
    assert client.post(reverse("casework:assign", args=[case.pk]), body).status_code == 302  # to the login page
    assert _holders(case) == before
