"""Passwords after NIST SP 800-63B (issue #11 §2): length, a blocklist, not the login, no
composition rules; a change signs the other sessions out and revokes the API tokens."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from knox.models import AuthToken
from rest_framework.test import APIClient

from conftest import DEMO_PASSWORD
from privacy.models import AuditAction, AuditEvent
from tests.api.clients import client_for

pytestmark = pytest.mark.django_db

GOOD = "horse battery staple lamp"


def refused(password, user) -> bool:
    try:
        validate_password(password, user)
    except ValidationError:
        return True
    return False


@pytest.mark.parametrize("password", [
    "short phrase",          # 12: the minimum
    "alllowercasenodigits",  # no composition rules
    "x" * 20 + "y" * 20 + "z" * 88,  # 128 characters: allowed
    "Ең ұзын сөйлем оңай есте қалады",
])
def test_long_passwords_and_phrases_are_accepted_without_composition_rules(persona, password):
    assert not refused(password, persona("kz-teacher"))


@pytest.mark.parametrize("password", [
    "eleven char",           # 11: too short
    "a" * 12 + "b" * 117,    # 129: too long (and repetitive)
    "password1234",          # Django's list of breached passwords
    "qwertyuiop123",         # the local list
    "123456789012",
    "childsafe-is-great",    # the service's name
    "aaaaaaaaaaaaaaaa",      # one character repeated
    "kz-teacher-2026!",      # the login inside
])
def test_short_long_common_and_login_passwords_are_refused(persona, password):
    assert refused(password, persona("kz-teacher"))


def test_a_password_like_the_persons_name_is_refused(persona):
    teacher = persona("kz-teacher")
    teacher.first_name, teacher.last_name = "Saule", "Toleubayeva"
    assert refused("toleubayeva1", teacher)


def test_changing_the_password_asks_the_old_one_and_the_new_one_twice(persona):
    client = Client()
    client.force_login(persona("kz-teacher"))
    url = reverse("accounts:password")
    assert client.get(url).status_code == 200
    wrong_old = client.post(url, {"old_password": "not it", "new_password1": GOOD, "new_password2": GOOD})
    assert wrong_old.status_code == 200 and "old_password" in wrong_old.context["form"].errors
    mismatch = client.post(url, {"old_password": DEMO_PASSWORD, "new_password1": GOOD, "new_password2": GOOD + "x"})
    assert "new_password2" in mismatch.context["form"].errors
    common = client.post(url, {"old_password": DEMO_PASSWORD, "new_password1": "password1234",
                               "new_password2": "password1234"})
    assert "new_password2" in common.context["form"].errors
    assert "Nothing was saved" in common.content.decode()
    assert persona("kz-teacher").check_password(DEMO_PASSWORD)
    assert not AuditEvent.objects.filter(action=AuditAction.PASSWORD_CHANGE).exists()


def test_a_new_password_signs_out_the_other_sessions_and_revokes_the_api_tokens(persona):
    teacher = persona("kz-teacher")
    here, elsewhere = Client(), Client()
    here.post(reverse("login"), {"username": "kz-teacher", "password": DEMO_PASSWORD})
    elsewhere.post(reverse("login"), {"username": "kz-teacher", "password": DEMO_PASSWORD})
    api = client_for(teacher)
    assert elsewhere.get("/cases/").status_code == 200 and api.get("/api/v1/cases/").status_code == 200
    response = here.post(reverse("accounts:password"), {"old_password": DEMO_PASSWORD, "new_password1": GOOD,
                                                        "new_password2": GOOD})
    assert response.status_code == 302 and response["Location"] == reverse("accounts:account")
    assert persona("kz-teacher").check_password(GOOD)
    assert here.get("/cases/").status_code == 200  # this session goes on
    assert elsewhere.get("/cases/").status_code == 302
    assert api.get("/api/v1/cases/").status_code == 401
    assert not AuthToken.objects.filter(user=teacher).exists()
    event = AuditEvent.objects.get(action=AuditAction.PASSWORD_CHANGE, actor_id=teacher.pk)
    assert event.detail == {"sessions_ended": 1, "tokens_revoked": 1}
    assert GOOD not in str(event.detail) and DEMO_PASSWORD not in str(event.detail)
    fresh = APIClient().post(reverse("api-token"), {"username": "kz-teacher", "password": GOOD}, format="json")
    assert fresh.status_code == 200
