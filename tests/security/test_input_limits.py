"""Input limits (issue #7, item 2): every string a client may send has a maximum
length, one character more is a 400 naming the field (never a 500 from the
database), and an oversized body is refused before it is parsed.

The schema is the list of what a client may send: the test walks every write
operation in it, so a new endpoint or field is covered without editing this file.
"""

import datetime as dt
import json
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from agencies.models import Jurisdiction
from cases.models import Case
from cases.services import case_share_with_agency
from casework.models import ActionKind
from casework.services.actions import action_record
from casework.services.first_account import first_account_record
from config import limits
from directory.services import help_organisation_create
from evidence import services as evidence
from notifications.models import Deadline, Notice
from support import services as support
from tests.api.clients import client_for

pytestmark = pytest.mark.django_db

WRITE_METHODS = ("post", "put", "patch")
# Strings whose format or choices the parser checks exactly need no length.
EXACT_FORMATS = {"date", "date-time", "uuid", "time", "duration", "binary"}


@pytest.fixture
def schema(persona):
    response = client_for(persona("kz-coordinator")).get(
        "/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return response.json()


def _resolve(schema, node):
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].split("/")[-1]]
    for key in ("allOf", "oneOf", "anyOf"):
        if key in node:
            parts = [_resolve(schema, part) for part in node[key] if part.get("type") != "null"]
            if len(parts) == 1:
                return parts[0]
    return node


def string_fields(schema, node, path=()):
    """(path, property schema) for every string property in a request body, nested ones included."""
    node = _resolve(schema, node)
    if node.get("type") == "array":
        yield from string_fields(schema, node["items"], (*path, 0))
        return
    if node.get("type") == "string":
        yield path, node
        return
    for name, prop in node.get("properties", {}).items():
        yield from string_fields(schema, prop, (*path, name))


def write_operations(schema):
    for url, item in schema["paths"].items():
        for method in WRITE_METHODS:
            operation = item.get(method)
            if operation and "requestBody" in operation:
                body = operation["requestBody"]["content"].get("application/json")
                if body:
                    yield url, method, body["schema"]


def test_every_string_a_client_sends_has_a_maximum_length(schema):
    unbounded = [
        f"{method.upper()} {url} {'.'.join(map(str, path))}"
        for url, method, body in write_operations(schema)
        for path, prop in string_fields(schema, body)
        if "maxLength" not in prop and "enum" not in prop and prop.get("format") not in EXACT_FORMATS
    ]
    assert unbounded == []


@pytest.fixture
def world(persona, school, file_case):
    """One object of each kind an endpoint writes to, with a persona who may write to it: a case
    (and on it a child's first account, a support plan and its item), a deadline, a notice, a
    meeting, an agency's action, a document, a takedown request and a help organisation."""
    kz_case = file_case(persona("kz-coordinator"), "kz-school-1")
    ua_case = file_case(persona("ua-coordinator"), "ua-school-1")
    created = client_for(persona("ua-secretary")).post("/api/v1/meetings/", {
        "school": school("ua-school-1").pk, "starts_at": (timezone.now() + dt.timedelta(days=2)).isoformat(),
        "place": "Зала", "cases": [str(ua_case.pk)],
    }, format="json")
    assert created.status_code == 201, created.json()
    notice = client_for(persona("kz-head")).post(
        f"/api/v1/cases/{kz_case.pk}/notices/",
        {"to_agency": school("kz-guardianship").pk, "channel": "phone"}, format="json")
    assert notice.status_code == 201, notice.json()
    coordinator = persona("kz-coordinator")
    victim = kz_case.parties.get(role="victim")
    first_account_record(user=persona("kz-psychologist"), case=kz_case, party_id=victim.pk,
                         place="Кабинет 204", present="Педагог-психолог", words="Мені мазақ етті.")
    plan = support.plan_create(user=coordinator, case=kz_case, party=victim, kind="victim_rehabilitation")
    item = support.plan_item_add(user=coordinator, plan=plan, measure="psychologist", detail="",
                                 owner_agency=kz_case.school, owner=persona("kz-psychologist"),
                                 due_on=kz_case.jurisdiction.local_date(timezone.now()) + dt.timedelta(days=10))
    case_share_with_agency(case=kz_case, agency=school("kz-police"))
    action = action_record(user=persona("kz-police"), case=kz_case, kind=ActionKind.PREVENTIVE_TALK,
                           values={"talked_with": ["parents"]})
    document = evidence.document_upload(user=coordinator, case=kz_case, data=b"chat log", original_name="chat.txt")
    takedown = evidence.takedown_request(user=coordinator, case=kz_case, platform="instagram",
                                         content_url="https://www.instagram.com/p/abc/")
    organisation = help_organisation_create(user=persona("kz-head"), jurisdiction=Jurisdiction.objects.get(code="KZ"),
                                            name="Сенім", services=["psychological"], phone="150")
    # Issue #11: a pupil's anonymous report to school 1, which its coordinator answers and closes.
    from tipline.services import tip_submit

    tip, _code = tip_submit(school=school("kz-school-1"), what="Мазақ етеді.", passphrase="limits-pass",
                            passphrase_again="limits-pass")
    return {
        "case_id": ("kz-coordinator", {"case_id": kz_case.pk, "party_id": victim.pk, "plan_id": plan.pk,
                                       "item_id": item.pk}),
        "deadline": ("kz-coordinator", Deadline.objects.filter(case=kz_case).first().pk),
        "meeting_id": ("ua-secretary", created.json()["id"]),
        "notice": ("kz-guardianship", Notice.objects.get(case=kz_case).pk),
        "action": ("kz-police", action.pk),
        "document": ("kz-coordinator", document.pk),
        "takedown": ("kz-coordinator", takedown.pk),
        "help_organisation": ("kz-head", organisation.pk),
        "tip": ("kz-coordinator", {"tip_id": tip.pk}),
        None: ("kz-coordinator", None),
    }


def _target(url, world):
    """The persona who may write to this URL, and the URL with its ids filled in."""
    owners = {"/api/v1/inbox/": "notice", "/api/v1/deadlines/": "deadline", "/api/v1/meetings/{": "meeting_id",
              "/api/v1/cases/{": "case_id", "/api/v1/actions/{": "action", "/api/v1/documents/{": "document",
              "/api/v1/takedowns/{": "takedown", "/api/v1/help-organisations/": "help_organisation",
              "/api/v1/tips/{": "tip"}
    for prefix, key in owners.items():
        if url.startswith(prefix):
            username, ids = world[key]
            fill = (lambda m: str(ids[m.group(1)])) if isinstance(ids, dict) else (lambda m: str(ids))
            return username, re.sub(r"\{([a-z_]+)\}", fill, url)
    return world[None][0], url


def _nest(path, value):
    body = value
    for part in reversed(path):
        body = [body] if part == 0 else {part: body}
    return body


def _error_at(detail, path):
    for part in path:
        # A list field's errors are keyed by the item's index (a string in JSON).
        detail = detail[str(part)] if isinstance(detail, dict) and isinstance(part, int) else detail[part]
    return detail


def test_one_character_too_many_is_a_400_for_that_field_never_a_500(schema, world, persona):
    tried = []
    for url, method, body in write_operations(schema):
        for path, prop in string_fields(schema, body):
            if "maxLength" not in prop:
                continue
            username, address = _target(url, world)
            client = APIClient() if url.endswith("/auth/token/") else client_for(persona(username))
            payload = _nest(path, "я" * (prop["maxLength"] + 1))
            response = getattr(client, method)(address, payload, format="json")
            where = f"{method.upper()} {url} {'.'.join(map(str, path))}"
            assert response.status_code == 400, (where, response.status_code, response.content[:300])
            messages = _error_at(response.json(), path)
            assert any(str(prop["maxLength"]) in m for m in messages), (where, messages)
            tried.append(where)
    # The fields of the issue are among them.
    assert {"POST /api/v1/meetings/ place", "POST /api/v1/cases/ description",
            "POST /api/v1/cases/ parties.0.family_name", "POST /api/v1/cases/{case_id}/parties/ address",
            "POST /api/v1/deadlines/{id}/waive/ reason", "PATCH /api/v1/actions/{id}/ reason",
            "POST /api/v1/cases/{case_id}/first-accounts/{party_id}/ text",
            "POST /api/v1/cases/{case_id}/plans/{plan_id}/review/ note",
            "POST /api/v1/cases/{case_id}/plan-items/{item_id}/progress/ text",
            "POST /api/v1/documents/{document_id}/remove/ reason",
            "PATCH /api/v1/takedowns/{takedown_id}/ platform_reference",
            "PATCH /api/v1/help-organisations/{id}/ services.0"} <= set(tried)


def test_a_meeting_place_of_201_characters_is_refused_not_a_database_error(persona, school, file_case):
    ua_case = file_case(persona("ua-coordinator"), "ua-school-1")
    response = client_for(persona("ua-secretary")).post("/api/v1/meetings/", {
        "school": school("ua-school-1").pk, "starts_at": (timezone.now() + dt.timedelta(days=2)).isoformat(),
        "place": "З" * 201, "cases": [str(ua_case.pk)],
    }, format="json")
    assert response.status_code == 400 and "place" in response.json()


def test_a_report_with_a_description_over_the_limit_is_refused_in_the_api_and_the_browser(persona, school):
    user = persona("kz-coordinator")
    text = "а" * (limits.FREE_TEXT_MAX_LENGTH + 1)
    response = client_for(user).post("/api/v1/cases/", {
        "school": school("kz-school-1").pk, "received_at": timezone.now().isoformat(), "channel": "self_report",
        "kinds": ["bullying"], "description": text,
        "parties": [{"role": "victim", "family_name": "Ахметов", "given_name": "Ерлан"}],
    }, format="json")
    assert response.status_code == 400 and list(response.json()) == ["description"]

    client = APIClient()
    client.force_login(user)
    page = client.post(reverse("cases:new"), {
        "school": school("kz-school-1").pk, "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "channel": "self_report", "kinds": ["bullying"], "description": text,
        "party-TOTAL_FORMS": "1", "party-INITIAL_FORMS": "0",
        "party-0-role": "victim", "party-0-family_name": "Ахметов", "party-0-given_name": "Ерлан",
        "party-0-is_minor": "on",
    })
    assert page.status_code == 400
    assert page.context["form"].errors["description"]
    assert Case.objects.count() == 0


def test_a_body_over_one_megabyte_is_refused_before_it_is_parsed(persona, school):
    body = json.dumps({"school": school("kz-school-1").pk, "description": "а" * (3 * 1024 * 1024)})
    response = client_for(persona("kz-coordinator")).post("/api/v1/cases/", body, content_type="application/json")
    assert response.status_code == 413
    assert "too large" in response.json()["detail"]
    assert Case.objects.count() == 0
