"""Brute force (issue #7, item 6): repeated wrong passwords lock the username and
the address out of the log-in page and the token endpoint for a while, with a
message in the user's language; the lockout is audited without the address in
clear; the token endpoint is throttled too.
"""

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation
from rest_framework.test import APIClient

from conftest import DEMO_PASSWORD
from privacy.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db
LIMIT = settings.AXES_FAILURE_LIMIT


def log_in(client, username, password, **extra):
    return client.post("/login/", {"username": username, "password": password}, **extra)


def test_twenty_wrong_passwords_at_the_login_page_lock_the_account_out(persona):
    client = Client()
    answers = [log_in(client, "kz-coordinator", f"guess-{i}").status_code for i in range(20)]
    assert answers[:LIMIT - 1] == [200] * (LIMIT - 1)  # the form again, "not right"
    assert answers[LIMIT - 1:] == [429] * (20 - LIMIT + 1)
    locked = log_in(client, "kz-coordinator", DEMO_PASSWORD)
    assert locked.status_code == 429 and "_auth_user_id" not in client.session
    page = locked.content.decode()
    assert "Too many failed log-in attempts" in page and "15 minutes" in page
    assert locked["Retry-After"] == str(15 * 60)
    # Another account from another address is not affected.
    assert log_in(Client(REMOTE_ADDR="10.1.1.1"), "kz-head", DEMO_PASSWORD).status_code == 302


def test_the_lockout_page_is_in_the_users_language(persona):
    client = Client()
    for i in range(LIMIT):
        response = log_in(client, "kz-coordinator", f"guess-{i}", HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 429
    assert '<html lang="ru">' in response.content.decode()
    with translation.override("ru"):
        from privacy.lockout import lockout_message

        assert lockout_message() in response.content.decode()


def test_one_address_trying_many_usernames_is_locked_out_too(persona):
    client = Client(REMOTE_ADDR="10.2.2.2")
    answers = [log_in(client, f"nobody-{i}", "guess").status_code for i in range(LIMIT + 1)]
    assert answers[-1] == 429
    assert log_in(client, "kz-head", DEMO_PASSWORD).status_code == 429


def test_a_successful_log_in_clears_the_count(persona):
    client = Client()
    for i in range(LIMIT - 1):
        log_in(client, "kz-coordinator", f"guess-{i}")
    assert log_in(client, "kz-coordinator", DEMO_PASSWORD).status_code == 302
    client.logout()
    assert log_in(client, "kz-coordinator", "guess-again").status_code == 200


def test_fifty_wrong_passwords_at_the_token_endpoint_are_stopped(persona):
    client = APIClient()
    answers = [client.post("/api/v1/auth/token/", {"username": "kz-coordinator", "password": f"guess-{i}"},
                           format="json") for i in range(50)]
    codes = [a.status_code for a in answers]
    assert codes[:LIMIT - 1] == [400] * (LIMIT - 1)
    assert set(codes[LIMIT - 1:]) == {429}
    assert "Too many failed log-in attempts" in answers[LIMIT - 1].json()["detail"]
    assert answers[LIMIT - 1]["Retry-After"]
    # The right password does not get a token while the lockout lasts.
    response = APIClient(REMOTE_ADDR="10.3.3.3").post(
        "/api/v1/auth/token/", {"username": "kz-coordinator", "password": DEMO_PASSWORD}, format="json")
    assert response.status_code == 429 and "token" not in response.json()


def test_the_token_endpoint_is_throttled_per_address(persona):
    client = APIClient(REMOTE_ADDR="10.4.4.4")
    codes = [client.post("/api/v1/auth/token/", {"username": f"user-{i}", "password": "x"}, format="json")
             for i in range(25)]
    throttled = [r for r in codes if r.status_code == 429]
    assert throttled and "throttled" in throttled[-1].json()["detail"].lower()


def test_a_lockout_is_audited_once_with_the_user_and_no_address(persona):
    client = Client(REMOTE_ADDR="192.0.2.77")
    for i in range(LIMIT + 5):
        log_in(client, "kz-coordinator", f"guess-{i}")
    events = AuditEvent.objects.filter(action=AuditAction.LOGIN_LOCKED)
    assert events.count() == 1
    event = events.get()
    assert event.actor == persona("kz-coordinator")
    assert event.detail["channel"] == "web"
    text = str(event.detail)
    assert "192.0.2.77" not in text and "kz-coordinator" not in text and "guess" not in text


def test_log_lines_name_neither_the_username_nor_the_address(persona, caplog):
    client = Client(REMOTE_ADDR="192.0.2.88")
    with caplog.at_level("DEBUG"):
        for i in range(LIMIT):
            log_in(client, "kz-coordinator", f"guess-{i}")
    assert caplog.records
    assert "192.0.2.88" not in caplog.text and "kz-coordinator" not in caplog.text
