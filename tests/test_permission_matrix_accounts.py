"""The permission matrix of the account pages (issue #11 §2): every persona × every account
route × their own rows and another user's.

Everything here is the signed-in user's own: their sessions, tokens, second factor and
password. Another user's session or token is a 404 that changes nothing. With the second
factor required (MFA_REQUIRED_ROLES), a persona of those roles who has not set one up reaches
only the set-up page (302 there from every other route; the API refuses the session with 401),
while the others see the same as with it off. Each request runs in a savepoint that is rolled
back, so one request never changes what the next sees.
"""

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from accounts.models import UserSession
from accounts.permissions import mfa_required
from agencies.demo import USERS
from tests.accounts.helpers import DEFAULT_ROLES

pytestmark = pytest.mark.django_db

ENROL = "enrol"  # a redirect to the set-up page
# (url name, method, whose row ("own"/"other"/None), payload, status with nothing due, status owing a factor)
ROUTES = [
    ("accounts:account", "get", None, None, 200, ENROL),
    ("accounts:password", "get", None, None, 200, ENROL),
    ("accounts:password", "post", None, {"old_password": "x", "new_password1": "a", "new_password2": "b"}, 200, ENROL),
    ("accounts:mfa-enrol", "get", None, None, 200, 200),
    ("accounts:mfa-enrol", "post", None, {"code": "12"}, 200, 200),
    ("accounts:mfa-verify", "get", None, None, 302, ENROL),
    ("accounts:mfa-remove", "get", None, None, 302, ENROL),
    ("accounts:mfa-remove", "post", None, {"code": "123456"}, 302, ENROL),
    ("accounts:mfa-backup-codes", "post", None, None, 302, ENROL),
    ("accounts:session-revoke", "post", "own", None, 302, ENROL),
    ("accounts:session-revoke", "post", "other", None, 404, ENROL),
    ("accounts:token-create", "post", None, None, 200, ENROL),
    ("accounts:token-revoke", "post", "own", None, 302, ENROL),
    ("accounts:token-revoke", "post", "other", None, 404, ENROL),
    # The API's log-out takes a token, never a session.
    ("api-auth-logout", "post", None, None, 401, 401),
]
COVERED_NAMES = {name for name, *_ in ROUTES}


def _rows(user, other):
    now = timezone.now()
    sessions = {"own": UserSession.objects.create(user=user, created_at=now, last_seen_at=now),
                "other": UserSession.objects.create(user=other, created_at=now, last_seen_at=now)}
    tokens = {"own": AuthToken.objects.create(user=user)[0], "other": AuthToken.objects.create(user=other)[0]}
    return sessions, tokens


def _state():
    return (sorted(UserSession.objects.values_list("pk", flat=True)),
            sorted(AuthToken.objects.values_list("digest", flat=True)))


def _check(client, route, sessions, tokens, owing: bool) -> str | None:
    name, method, whose, payload, free_status, owing_status = route
    args = []
    if name == "accounts:session-revoke":
        args = [sessions[whose].pk]
    elif name == "accounts:token-revoke":
        args = [tokens[whose].digest]
    url = reverse(name, args=args)
    before = _state()
    response = client.get(url) if method == "get" else client.post(url, payload or {})
    expected = owing_status if owing else free_status
    where = f"{method.upper()} {name} ({whose or 'no'} row)"
    if expected == ENROL:
        if response.status_code != 302 or not response["Location"].startswith(reverse("accounts:mfa-enrol")):
            return f"{where}: expected a redirect to the set-up page, got {response.status_code}"
        if _state() != before:
            return f"{where}: a refused request changed something"
        return None
    if response.status_code != expected:
        return f"{where}: expected {expected}, got {response.status_code}"
    if expected == 404 and _state() != before:
        return f"{where}: a 404 changed something"
    return None


def _run(username, persona, owing_possible: bool):
    user = persona(username)
    other = persona("kz-coordinator-2" if username != "kz-coordinator-2" else "kz-coordinator")
    client = APIClient()
    client.force_login(user)
    owing = owing_possible and mfa_required(user)
    mismatches = []
    for route in ROUTES:
        with transaction.atomic():
            sessions, tokens = _rows(user, other)
            problem = _check(client, route, sessions, tokens, owing)
            transaction.set_rollback(True)
        if problem:
            mismatches.append(problem)
    return mismatches


@pytest.mark.parametrize("username", list(USERS))
def test_every_account_route_for(persona, username):
    mismatches = _run(username, persona, owing_possible=False)
    assert not mismatches, f"{username}: " + "; ".join(mismatches)


@pytest.mark.parametrize("username", list(USERS))
def test_every_account_route_before_the_second_factor_for(settings, persona, username):
    settings.MFA_REQUIRED_ROLES = DEFAULT_ROLES
    mismatches = _run(username, persona, owing_possible=True)
    assert not mismatches, f"{username}: " + "; ".join(mismatches)


def test_the_api_log_out_takes_the_token_it_is_called_with(persona):
    _instance, token = AuthToken.objects.create(user=persona("kz-police"))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.post(reverse("api-auth-logout")).status_code == 204
    assert not AuthToken.objects.filter(user=persona("kz-police")).exists()


def test_an_anonymous_visitor_is_sent_to_log_in(persona):
    client = APIClient()
    now = timezone.now()
    session = UserSession.objects.create(user=persona("kz-head"), created_at=now, last_seen_at=now)
    token = AuthToken.objects.create(user=persona("kz-head"))[0]
    for name, method, whose, *_rest in ROUTES:
        if name.startswith("api-"):
            assert client.post(reverse(name)).status_code == 401
            continue
        args = [session.pk] if name == "accounts:session-revoke" else [token.digest] if name == "accounts:token-revoke" else []
        response = client.get(reverse(name, args=args)) if method == "get" else client.post(reverse(name, args=args))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), name
    assert UserSession.objects.filter(pk=session.pk).exists() and AuthToken.objects.filter(pk=token.pk).exists()
