"""Sessions (issue #11 §2; NIST SP 800-63B §7.2): listed on the account page, ended after
SESSION_IDLE_MINUTES without activity or SESSION_ABSOLUTE_HOURS after log-in, revocable."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import UserSession
from conftest import DEMO_PASSWORD
from privacy.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db

PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148"


def logged_in(username="kz-coordinator", **headers) -> Client:
    client = Client(**headers)
    response = client.post(reverse("login"), {"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    return client


def test_log_in_opens_a_listed_session_and_log_out_removes_it(persona):
    client = logged_in(HTTP_USER_AGENT=PHONE)
    session = UserSession.objects.get(user=persona("kz-coordinator"))
    assert session.device == "phone"
    page = client.get(reverse("accounts:account")).content.decode()
    assert f'data-session="{session.pk}"' in page and "this one" in page
    client.post(reverse("logout"))
    assert not UserSession.objects.filter(pk=session.pk).exists()


def _age(user, **delta):
    session = UserSession.objects.get(user=user)
    UserSession.objects.filter(pk=session.pk).update(
        last_seen_at=session.last_seen_at - dt.timedelta(**delta.get("idle", {})),
        created_at=session.created_at - dt.timedelta(**delta.get("age", {})))


def test_an_idle_session_ends_and_the_login_page_says_why(settings, persona):
    settings.SESSION_IDLE_MINUTES = 30
    client = logged_in()
    _age(persona("kz-coordinator"), idle={"minutes": 29})
    assert client.get("/cases/").status_code == 200
    _age(persona("kz-coordinator"), idle={"minutes": 31})
    response = client.get("/cases/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    page = client.get(response["Location"]).content.decode()
    assert "signed out after 30 minutes without activity" in page
    assert client.get("/cases/").status_code == 302
    assert not UserSession.objects.filter(user=persona("kz-coordinator")).exists()


def test_activity_keeps_the_session_but_not_past_its_absolute_lifetime(settings, persona):
    settings.SESSION_ABSOLUTE_HOURS = 12
    client = logged_in()
    _age(persona("kz-coordinator"), age={"hours": 11, "minutes": 50})
    assert client.get("/cases/").status_code == 200
    _age(persona("kz-coordinator"), age={"minutes": 20})
    response = client.get("/cases/")
    assert response.status_code == 302
    assert "a session lasts at most 12 hours" in client.get(response["Location"]).content.decode()


def test_the_api_refuses_an_expired_session(persona):
    client = logged_in()
    assert client.get("/api/v1/cases/").status_code == 200
    _age(persona("kz-coordinator"), idle={"hours": 1})
    assert client.get("/api/v1/cases/").status_code in (401, 403)


def test_a_session_signed_out_from_the_account_page_ends_at_its_next_request(persona):
    user = persona("kz-coordinator")
    phone = logged_in(HTTP_USER_AGENT=PHONE)
    laptop = logged_in()
    phone_session = UserSession.objects.get(user=user, device="phone")
    response = laptop.post(reverse("accounts:session-revoke", args=[phone_session.pk]))
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action=AuditAction.SESSION_REVOKE, actor_id=user.pk).count() == 1
    response = phone.get("/cases/")
    assert response.status_code == 302
    assert "signed out from your account page" in phone.get(response["Location"]).content.decode()
    assert laptop.get("/cases/").status_code == 200


def test_another_users_session_cannot_be_revoked(persona):
    victim = logged_in("kz-coordinator-2")
    session = UserSession.objects.get(user=persona("kz-coordinator-2"))
    attacker = logged_in()
    assert attacker.post(reverse("accounts:session-revoke", args=[session.pk])).status_code == 404
    assert UserSession.objects.filter(pk=session.pk).exists()
    assert victim.get("/cases/").status_code == 200
    assert not AuditEvent.objects.filter(action=AuditAction.SESSION_REVOKE).exists()


def test_signing_out_this_session_from_the_list_logs_out(persona):
    client = logged_in()
    session = UserSession.objects.get(user=persona("kz-coordinator"))
    response = client.post(reverse("accounts:session-revoke", args=[session.pk]))
    assert response["Location"] == reverse("login")
    assert client.get("/cases/").status_code == 302


def test_a_session_from_before_sessions_were_listed_is_adopted(persona):
    client = Client()
    client.force_login(persona("kz-coordinator"))
    UserSession.objects.all().delete()
    session = client.session
    session.pop("account_session_id", None)
    session.save()
    assert client.get("/cases/").status_code == 200
    assert UserSession.objects.filter(user=persona("kz-coordinator")).count() == 1


def test_a_polled_fragment_of_an_expired_session_sends_the_whole_window_to_log_in(persona):
    client = logged_in()
    _age(persona("kz-coordinator"), idle={"hours": 1})
    response = client.get("/cases/", HTTP_HX_REQUEST="true")
    assert response.status_code == 204 and response["HX-Redirect"] == reverse("login")
