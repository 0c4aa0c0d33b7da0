"""API tokens (issue #11 §2): django-rest-knox, stored hashed, expiring, revoked on log-out,
on the account page and by a password change; the token address is unchanged."""

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from conftest import DEMO_PASSWORD
from privacy.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db


def obtain(username="kz-police", **extra):
    return APIClient().post("/api/v1/auth/token/", {"username": username, "password": DEMO_PASSWORD, **extra},
                            format="json")


def signed(token) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def test_a_token_is_stored_only_as_a_hash_and_expires_after_the_setting(settings, persona):
    response = obtain()
    assert response.status_code == 200
    token, expiry = response.json()["token"], response.json()["expiry"]
    stored = AuthToken.objects.get(user=persona("kz-police"))
    assert token not in (stored.digest, stored.token_key) and len(stored.digest) == 128
    hours = (dt.datetime.fromisoformat(expiry) - timezone.now()).total_seconds() / 3600
    assert settings.API_TOKEN_TTL_HOURS - 0.1 < hours <= settings.API_TOKEN_TTL_HOURS
    assert signed(token).get("/api/v1/cases/").status_code == 200
    event = AuditEvent.objects.get(action=AuditAction.TOKEN_CREATE)
    assert event.actor_id == stored.user_id and token[:8] not in str(event.detail)


def test_an_expired_token_is_refused(persona):
    token = obtain().json()["token"]
    AuthToken.objects.filter(user=persona("kz-police")).update(expiry=timezone.now() - dt.timedelta(seconds=1))
    assert signed(token).get("/api/v1/cases/").status_code == 401


def test_log_out_revokes_the_token(persona):
    token = obtain().json()["token"]
    other = obtain().json()["token"]
    client = signed(token)
    assert client.post("/api/v1/auth/logout/").status_code == 204
    assert client.get("/api/v1/cases/").status_code == 401
    assert client.post("/api/v1/auth/logout/").status_code == 401
    assert signed(other).get("/api/v1/cases/").status_code == 200  # only the one logged out
    assert AuditEvent.objects.filter(action=AuditAction.TOKEN_REVOKE).count() == 1


def test_the_account_page_issues_a_token_once_lists_it_and_revokes_it(persona):
    user = persona("kz-coordinator")
    client = Client()
    client.force_login(user)
    response = client.post(reverse("accounts:token-create"))
    token = re.search(r"data-token>([^<]+)<", response.content.decode()).group(1)
    assert signed(token).get("/api/v1/cases/").status_code == 200
    stored = AuthToken.objects.get(user=user)
    page = client.get(reverse("accounts:account")).content.decode()
    assert stored.digest[:8] in page and token not in page
    response = client.post(reverse("accounts:token-revoke", args=[stored.digest]))
    assert response.status_code == 302
    assert signed(token).get("/api/v1/cases/").status_code == 401
    assert AuditEvent.objects.filter(action=AuditAction.TOKEN_REVOKE, actor_id=user.pk).count() == 1


def test_another_users_token_cannot_be_revoked(persona):
    obtain("kz-police")
    stored = AuthToken.objects.get(user=persona("kz-police"))
    client = Client()
    client.force_login(persona("kz-coordinator"))
    assert client.post(reverse("accounts:token-revoke", args=[stored.digest])).status_code == 404
    assert AuthToken.objects.filter(pk=stored.pk).exists()


def test_a_wrong_password_gets_no_token_and_a_field_message(demo):
    response = APIClient().post("/api/v1/auth/token/", {"username": "kz-police", "password": "wrong"},
                                format="json")
    assert response.status_code == 400 and "non_field_errors" in response.json()
    missing = APIClient().post("/api/v1/auth/token/", {"username": "kz-police"}, format="json")
    assert missing.status_code == 400 and "password" in missing.json()
    assert not AuthToken.objects.exists()
