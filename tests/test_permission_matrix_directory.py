"""The permission matrix of the help directory: every route × every persona × an entry of
the persona's own country and one of the other country → the exact status.

Directory entries are data about organisations, not people: every staff member reads
their own country's (200) and gets a 404 for the other country's, as if it did not exist.
Adding and correcting is for the directory's keepers — heads of any agency or school,
school psychologists (KZ §38) and social pedagogues; anyone else gets 403 and nothing
changes. Each request runs in a savepoint that is rolled back, so one persona's write
never changes what the next request sees.
"""

import pytest
from django.db import transaction
from django.urls import reverse
from rest_framework.test import APIClient

from agencies.demo import USERS
from agencies.models import Jurisdiction
from directory.models import HelpOrganisation

pytestmark = pytest.mark.django_db

KEEPERS = {"kz-head", "kz-psychologist", "kz-social-pedagogue", "kz-police-head", "kz-guardianship-head",
           "ua-head", "ua-psychologist", "ua-social-pedagogue", "ua-children-service-head"}
ENTRY_NAMES = {"KZ": "Сенім дағдарыс орталығы", "UA": "Кризовий центр «Надія»"}


def country_of(username: str) -> str:
    return USERS[username][0][:2].upper()


def _new_entry(country):
    return {"name": "Жаңа орталық", "services": ["psychological"], "phone": "+7 700 000 11 22",
            "jurisdiction": country}


def _changed(entry):
    return {"name": "Changed", "services": entry.services, "phone": entry.phone, "is_active": "on"}


# (url name, method, whose entry ("own"/"other"/None for a list or a new entry), payload,
#  status for a keeper of the entry's country, for another reader of that country)
ROUTES = [
    ("directory:list", "get", None, None, 200, 200),
    ("directory:new", "get", None, None, 200, 403),
    ("directory:new", "post", None, "new", 302, 403),
    ("directory:detail", "get", "own", None, 200, 200),
    ("directory:edit", "get", "own", None, 200, 403),
    ("directory:edit", "post", "own", "change", 302, 403),
    ("api-help-organisation-list", "get", None, None, 200, 200),
    ("api-help-organisation-list", "post", None, "new", 201, 403),
    ("api-help-organisation-detail", "get", "own", None, 200, 200),
    ("api-help-organisation-detail", "patch", "own", "change", 200, 403),
    # The other country's entry: a 404 for everyone, keeper or not.
    ("directory:detail", "get", "other", None, 404, 404),
    ("directory:edit", "get", "other", None, 404, 404),
    ("directory:edit", "post", "other", "change", 404, 404),
    ("api-help-organisation-detail", "get", "other", None, 404, 404),
    ("api-help-organisation-detail", "patch", "other", "change", 404, 404),
]
COVERED_NAMES = {name for name, *_ in ROUTES}


@pytest.fixture
def entries(demo):
    return {code: HelpOrganisation.objects.create(
        jurisdiction=Jurisdiction.objects.get(code=code), name=name, services=["crisis_centre"],
        phone="+7 700 000 00 01") for code, name in ENTRY_NAMES.items()}


def _state():
    return sorted(HelpOrganisation.objects.values_list("pk", "name", "is_active", "updated_at"))


def _check(client, username, entries, route) -> str | None:
    name, method, whose, payload, keeper_status, reader_status = route
    own = country_of(username)
    other = "UA" if own == "KZ" else "KZ"
    entry = entries[own if whose == "own" else other] if whose else None
    url = reverse(name, args=[entry.pk] if entry else [])
    data = None
    if payload == "new":
        data = _new_entry(own)
    elif payload == "change":
        data = _changed(entry)
    if data is not None and name.startswith("api-"):
        data = {k: v for k, v in data.items() if k != "is_active"}
    before = _state()
    if method == "get":
        response = client.get(url)
    else:
        response = getattr(client, method)(url, data, **({"format": "json"} if name.startswith("api-") else {}))
    expected = keeper_status if username in KEEPERS else reader_status
    where = f"{method.upper()} {name} ({whose or 'no'} entry)"
    if response.status_code != expected:
        return f"{where}: expected {expected}, got {response.status_code}"
    if expected in (403, 404) and _state() != before:
        return f"{where}: a refusal changed the directory"
    if expected == 404 and ENTRY_NAMES[other] in response.content.decode():
        return f"{where}: the 404 showed the entry"
    if name.endswith("list") and method == "get":
        body = response.content.decode()
        if ENTRY_NAMES[own] not in body or ENTRY_NAMES[other] in body:
            return f"{where}: the list must show the own country's entry only"
    return None


@pytest.mark.parametrize("username", list(USERS))
def test_every_directory_route_for(entries, persona, username):
    client = APIClient()
    client.force_login(persona(username))
    mismatches = []
    for route in ROUTES:
        with transaction.atomic():
            problem = _check(client, username, entries, route)
            transaction.set_rollback(True)
        if problem:
            mismatches.append(problem)
    assert not mismatches, f"{username}: " + "; ".join(mismatches)


def test_an_anonymous_visitor_is_sent_to_log_in(entries):
    client = APIClient()
    pk = entries["KZ"].pk
    for name, args in [("directory:list", []), ("directory:new", []), ("directory:detail", [pk]),
                       ("directory:edit", [pk])]:
        response = client.get(reverse(name, args=args))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), name
    assert client.post(reverse("directory:edit", args=[pk]), {"name": "x"}).status_code == 302
    for name, args in [("api-help-organisation-list", []), ("api-help-organisation-detail", [pk])]:
        assert client.get(reverse(name, args=args)).status_code == 401
    assert client.post(reverse("api-help-organisation-list"), {}, format="json").status_code == 401
    assert client.patch(reverse("api-help-organisation-detail", args=[pk]), {}, format="json").status_code == 401
    assert HelpOrganisation.objects.get(pk=pk).name == ENTRY_NAMES["KZ"]
