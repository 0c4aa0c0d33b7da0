"""The permission matrix for documents, evidence and takedown requests: every role × every
evidence page and endpoint × a KZ case (shared with the district police) and a UA case.

Insiders are the school's case team and, on the KZ case, the police officers it was
notified to. Everyone else (other schools, other agencies, the other jurisdiction, the
ombudsman offices) gets a 404 on every route, GET and POST, that changes nothing and
shows nothing. The document and the takedown request on each case were made by the
school, so the police get 400 (not their agency's) when they try to remove or update
them, and the school's team succeeds.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from rest_framework.test import APIClient

from agencies.demo import USERS
from agencies.models import Agency
from evidence import services
from evidence.models import Document, TakedownRequest
from notifications.services.notices import notice_send

pytestmark = pytest.mark.django_db

SCHOOL_TEAM = {
    "kz": {"kz-head", "kz-coordinator", "kz-psychologist", "kz-social-pedagogue"},
    "ua": {"ua-head", "ua-coordinator", "ua-psychologist", "ua-social-pedagogue"},
}
POLICE = {name for name, (agency, _role) in USERS.items() if agency == "kz-police"}
SHARED = {"kz": POLICE, "ua": set()}
SECRET = "Ерлан".encode()


def insider(username, key):
    return username in SCHOOL_TEAM[key] or username in SHARED[key]


def by_school(ok):
    """The school's own record: its team succeeds, a shared agency is refused (400)."""
    return lambda username, key: ok if username in SCHOOL_TEAM[key] else 400


def anyone_inside(ok):
    return lambda username, key: ok


def _file(case):
    return {"file": SimpleUploadedFile("shot.txt", b"screenshot text"), "attached": "case", "title": "t"}


def _api_file(case):
    return {"file": SimpleUploadedFile("shot.txt", b"screenshot text")}


def _takedown(case):
    return {"platform": "vk", "content_url": "https://vk.com/wall1_2"}


def _reason(case):
    return {"reason": "duplicate"}


def _status(case):
    return {"status": "acknowledged"}


# (url name, method, what the URL takes, payload, request format, status for an insider by persona)
ROUTES = [
    ("evidence:document_new", "post", "case", _file, "multipart", anyone_inside(302)),
    ("evidence:document_download", "get", "document", None, None, anyone_inside(200)),
    ("evidence:document_remove", "post", "document", _reason, "multipart", by_school(302)),
    ("evidence:takedown_new", "post", "case", _takedown, "multipart", anyone_inside(302)),
    ("evidence:takedown_update", "post", "takedown", _status, "multipart", by_school(302)),
    ("api-case-documents", "get", "case", None, None, anyone_inside(200)),
    ("api-case-documents", "post", "case", _api_file, "multipart", anyone_inside(201)),
    ("api-document-content", "get", "document", None, None, anyone_inside(200)),
    ("api-document-remove", "post", "document", _reason, "json", by_school(200)),
    ("api-case-takedowns", "get", "case", None, None, anyone_inside(200)),
    ("api-case-takedowns", "post", "case", _takedown, "json", anyone_inside(201)),
    ("api-takedown-detail", "get", "takedown", None, None, anyone_inside(200)),
    ("api-takedown-detail", "patch", "takedown", _status, "json", by_school(200)),
]
COVERED_NAMES = {name for name, *_ in ROUTES}


@pytest.fixture
def world(demo, persona, file_case):
    kz = file_case(persona("kz-coordinator"), "kz-school-1")
    notice_send(user=persona("kz-head"), case=kz, channel="phone", to_agency=Agency.objects.get(code="kz-police"))
    ua = file_case(persona("ua-coordinator"), "ua-school-1")
    result = {}
    for key, case, author in (("kz", kz, "kz-coordinator"), ("ua", ua, "ua-coordinator")):
        document = services.document_upload(user=persona(author), case=case, data="Ерлан, 6A: screenshot".encode(),
                                            title="Ерлан")
        takedown = services.takedown_request(user=persona(author), case=case, platform="instagram",
                                             content_url="https://instagram.com/p/erlan")
        result[key] = {"case": case, "document": document, "takedown": takedown}
    return result


def _state(objects):
    case = objects["case"]
    return (Document.objects.filter(case=case).count(),
            Document.objects.get(pk=objects["document"].pk).removed_at,
            TakedownRequest.objects.filter(case=case).count(),
            TakedownRequest.objects.get(pk=objects["takedown"].pk).status)


def _check(client, username, key, objects, route) -> str | None:
    name, method, kind, payload, fmt, expect = route
    url = reverse(name, args=[objects[kind].pk])
    before = _state(objects)
    data = payload(objects["case"]) if payload else None
    if method == "get":
        response = client.get(url)
    else:
        response = getattr(client, method)(url, data, format=fmt)
    expected = expect(username, key) if insider(username, key) else 404
    got = response.status_code
    where = f"{method.upper()} {name} on the {key} case"
    if got != expected:
        return f"{where}: expected {expected}, got {got}"
    if got == 404:
        if SECRET in response.content or objects["case"].reference.encode() in response.content:
            return f"{where}: the 404 showed the case"
        if _state(objects) != before:
            return f"{where}: the 404 changed something"
    return None


@pytest.mark.parametrize("username", list(USERS))
def test_every_evidence_route_for(world, persona, username):
    """Every route on both cases for one persona; each request is rolled back after."""
    client = APIClient()
    client.force_login(persona(username))
    mismatches = []
    for key, objects in world.items():
        for route in ROUTES:
            with transaction.atomic():
                problem = _check(client, username, key, objects, route)
                transaction.set_rollback(True)
            if problem:
                mismatches.append(problem)
    assert not mismatches, f"{username}: " + "; ".join(mismatches)
