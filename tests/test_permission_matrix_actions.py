"""The permission matrix for the agencies' actions and the child's first account: every route ×
every demo persona × a KZ case and a UA case → the expected status.

The KZ case (school 1) is shared with the police, the commission on minors' affairs and the
forensic body; the UA case (school 1) with the police. On each, a police officer has recorded
an action and the school has recorded the victim's first account. Who works a case is read
from the demo's memberships (agencies.demo.USERS), not from the permissions under test.

- Outsiders (another school or agency, another jurisdiction, a class teacher who did not file
  the case, an ombudsman) get 404 on every route, for GET and for writes, and nothing changes.
- Readers of the case record actions (each agency some kind, the school team referrals) and
  the first account (they all hold the identity permission); a write with an empty body is
  refused with 400.
- Correcting the police action: police members only; another reader gets 403.
"""

import pytest
from django.db import transaction
from django.urls import reverse
from rest_framework.test import APIClient

from agencies.demo import USERS
from agencies.models import Agency, SCHOOL_CASE_TEAM_ROLES
from cases.services import case_share_with_agency
from casework.models import Action, ActionKind, FirstAccount, FirstAccountAddendum
from casework.services.actions import action_record
from casework.services.first_account import first_account_record

pytestmark = pytest.mark.django_db

SHARED = {"kz": {"kz-police", "kz-kikkk", "kz-forensic"}, "ua": {"ua-police"}}
SCHOOLS = {"kz": "kz-school-1", "ua": "ua-school-1"}
RECORDER = {"kz": "kz-police", "ua": "ua-police"}
EDITING_AGENCY = {"kz": "kz-police", "ua": "ua-police"}


def works(username: str, key: str) -> bool:
    agency, role = USERS[username]
    if agency == SCHOOLS[key]:
        return role in SCHOOL_CASE_TEAM_ROLES
    return agency in SHARED[key]


def edits(username: str, key: str) -> bool:
    return USERS[username][0] == EDITING_AGENCY[key]


def reader(status):
    return lambda username, key: status if works(username, key) else 404


def editor(status):
    return lambda username, key: (status if edits(username, key) else 403) if works(username, key) else 404


# (url name, method, which ids, expected status)
ROUTES = [
    ("casework:action_new", "get", "case", reader(200)),
    ("casework:action_new", "post", "case", reader(400)),
    ("casework:action_edit", "get", "action", editor(200)),
    ("casework:action_edit", "post", "action", editor(400)),
    ("casework:first_account_new", "get", "case", reader(200)),
    ("casework:first_account_new", "post", "case", reader(400)),
    ("casework:first_account", "get", "account", reader(200)),
    ("api-case-actions", "get", "case", reader(200)),
    ("api-case-actions", "post", "case", reader(400)),
    ("api-action-detail", "get", "action_api", reader(200)),
    ("api-action-detail", "patch", "action_api", editor(400)),
    ("api-case-first-accounts", "get", "case", reader(200)),
    ("api-case-first-accounts", "post", "case", reader(400)),
    ("api-case-first-account", "get", "account", reader(200)),
    ("casework:first_account_addendum", "post", "account", reader(400)),
    ("api-case-first-account", "post", "account", reader(400)),
]
COVERED_NAMES = {name for name, *_ in ROUTES}


@pytest.fixture
def cases(demo, persona, file_case):
    made = {}
    for key in ("kz", "ua"):
        coordinator = persona(f"{key}-coordinator")
        case = file_case(coordinator, SCHOOLS[key])
        for code in SHARED[key]:
            case_share_with_agency(case=case, agency=Agency.objects.get(code=code))
        action = action_record(user=persona(RECORDER[key]), case=case, kind=ActionKind.PRETRIAL_REGISTRATION,
                               values={"register_number": "12345", "notes": "Куәгер Серік"})
        victim = case.parties.get(role="victim")
        first_account_record(user=coordinator, case=case, party_id=victim.pk, place="Кабінет",
                             present="Психолог", words="Мене штовхали щодня")
        made[key] = (case, action, victim)
    return made


def _url(name, ids, case, action, victim):
    if ids == "case":
        return reverse(name, args=[case.pk])
    if ids == "action":
        return reverse(name, args=[case.pk, action.pk])
    if ids == "action_api":
        return reverse(name, args=[action.pk])
    return reverse(name, args=[case.pk, victim.pk])


def _state():
    return (Action.objects.count(), FirstAccount.objects.count(), FirstAccountAddendum.objects.count(),
            sorted(Action.objects.values_list("revision", flat=True)))


def _check(client, username, key, made, route) -> str | None:
    name, method, ids, expect = route
    case, action, victim = made
    url = _url(name, ids, case, action, victim)
    before = _state()
    response = getattr(client, method)(url, {}, format="json") if method != "get" else client.get(url)
    expected, got = expect(username, key), response.status_code
    where = f"{method.upper()} {name} on the {key} case"
    if got != expected:
        return f"{where}: expected {expected}, got {got}"
    if got in (403, 404):
        body = response.content.decode()
        if "Куәгер" in body or "штовхали" in body or case.reference in body:
            return f"{where}: the {got} showed the case"
    if method != "get" and _state() != before:
        return f"{where}: a refused write changed something"
    return None


@pytest.mark.parametrize("username", list(USERS))
def test_every_action_route_for(cases, persona, username):
    client = APIClient()
    client.force_login(persona(username))
    mismatches = []
    for key, made in cases.items():
        for route in ROUTES:
            with transaction.atomic():
                problem = _check(client, username, key, made, route)
                transaction.set_rollback(True)
            if problem:
                mismatches.append(problem)
    assert not mismatches, f"{username}: " + "; ".join(mismatches)
