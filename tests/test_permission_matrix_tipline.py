"""The permission matrix for pupils' reports: every route × every persona → the exact status.

One anonymous report to KZ school 1, with a screenshot. The school's head and coordinator
triage it (KZ §5, UA II.1); its psychologist and social pedagogue read and answer it (KZ §8)
but neither close nor convert it (403); everyone else — another school, every agency, the
ombudsmen — gets 404 for GET and POST, and the 404 changes nothing and shows nothing. The
public pages answer everyone, with or without an account.
"""

import pytest
from django.db import transaction
from django.urls import reverse
from rest_framework.test import APIClient

from agencies.demo import USERS
from tests.tipline.conftest import png_bytes
from tipline import services
from tipline.models import Tip, TipMessage

pytestmark = pytest.mark.django_db

READERS = {"kz-head", "kz-coordinator", "kz-psychologist", "kz-social-pedagogue"}
DECIDERS = {"kz-head", "kz-coordinator"}
WHAT = "Матрицадағы Жанболат туралы хабар"


def readers(status: int):
    return lambda username: status if username in READERS else 404


def deciders(status: int):
    return lambda username: status if username in DECIDERS else 403 if username in READERS else 404


def link_holders(status: int):
    return lambda username: status if username in DECIDERS else 404


def everyone(status: int):
    return lambda username: status


# (url name, method, which ids the URL takes, expected status by persona)
ROUTES = [
    ("tipline:detail", "get", "tip", readers(200)),
    ("tipline:reply", "post", "tip", readers(400)),
    ("tipline:close", "post", "tip", readers(400)),
    ("tipline:convert", "get", "tip", deciders(200)),
    ("tipline:convert", "post", "tip", deciders(400)),
    ("tipline:file", "get", "file", readers(200)),
    ("tipline:school_link", "get", "school", link_holders(200)),
    ("tipline:school_qr", "get", "school", link_holders(200)),
    ("api-tip-detail", "get", "tip", readers(200)),
    ("api-tip-reply", "post", "tip", readers(400)),
    ("api-tip-close", "post", "tip", readers(400)),
    # Public pages, the same for a logged-in persona as for anyone.
    ("tipline:report", "get", "token", everyone(200)),
    ("tipline:report", "post", "token", everyone(400)),
    ("tipline:follow_up", "get", "token", everyone(200)),
    ("tipline:follow_up", "post", "token", everyone(400)),
    ("tipline:thread", "get", "token", everyone(302)),  # no report opened: back to the code form
    ("tipline:follow_up_leave", "post", "token", everyone(302)),
]
# Lists of the persona's own schools' reports: 200 for everyone, showing only those.
LIST_ROUTES = ["tipline:queue", "api-tip-list"]
COVERED_NAMES = {name for name, *_ in ROUTES} | set(LIST_ROUTES)


@pytest.fixture
def world(school):
    tip, _code = services.tip_submit(school=school("kz-school-1"), what=WHAT, passphrase="matrix-pass",
                                     passphrase_again="matrix-pass", files=[png_bytes()])
    link = services.school_link_ensure(school=tip.school)
    return {"tip": tip, "file": tip.files.get(), "token": link.token}


def _args(kind, world):
    return {"tip": [world["tip"].pk], "file": [world["tip"].pk, world["file"].pk],
            "school": [world["tip"].school_id], "token": [world["token"]]}[kind]


def _state(tip):
    tip = Tip.objects.get(pk=tip.pk)
    return (Tip.objects.count(), TipMessage.objects.count(), tip.status, tip.case_id)


def _check(client, username, world, route) -> str | None:
    name, method, kind, expect = route
    url = reverse(name, args=_args(kind, world))
    before = _state(world["tip"])
    response = client.get(url) if method == "get" else getattr(client, method)(url, {})
    expected, got = expect(username), response.status_code
    if got != expected:
        return f"{method.upper()} {name}: expected {expected}, got {got}"
    if got in (403, 404) or (method != "get" and got == 400):
        if _state(world["tip"]) != before:
            return f"{method.upper()} {name}: a {got} changed the report"
    if got == 404 and WHAT in response.content.decode(errors="replace"):
        return f"{method.upper()} {name}: a 404 showed the report"
    return None


@pytest.mark.parametrize("username", list(USERS))
def test_every_tipline_route_for(world, persona, username):
    client = APIClient()
    client.force_login(persona(username))
    mismatches = []
    for route in ROUTES:
        with transaction.atomic():
            problem = _check(client, username, world, route)
            transaction.set_rollback(True)
        if problem:
            mismatches.append(problem)
    assert not mismatches, f"{username}: " + "; ".join(mismatches)


@pytest.mark.parametrize("username", list(USERS))
def test_the_queue_shows_only_the_personas_schools_reports(world, persona, username):
    client = APIClient()
    client.force_login(persona(username))
    page = client.get(reverse("tipline:queue"))
    api = client.get(reverse("api-tip-list"))
    assert page.status_code == 200 and api.status_code == 200
    sees = username in READERS
    assert (str(world["tip"].pk) in {row["id"] for row in api.json()}) == sees
    assert (reverse("tipline:detail", args=[world["tip"].pk]) in page.content.decode()) == sees


def test_an_anonymous_visitor_reaches_only_the_public_pages(world):
    client = APIClient()
    for name, _method, kind, _expect in ROUTES:
        url = reverse(name, args=_args(kind, world))
        response = client.get(url)
        if kind == "token":
            assert response.status_code in (200, 302, 405), name
        elif name.startswith("api-"):
            assert response.status_code in (401, 403), name
        else:
            assert response.status_code == 302 and "/login/" in response["Location"], name
    assert client.get(reverse("api-tip-list")).status_code in (401, 403)
    assert client.get(reverse("tipline:queue")).status_code == 302


def test_a_wrong_school_token_is_a_404(world):
    client = APIClient()
    assert client.get(reverse("tipline:report", args=["x" * 32])).status_code == 404
    assert client.get(reverse("tipline:follow_up", args=["x" * 32])).status_code == 404
