"""The second factor (issue #11 §2): who must have one, setting it up, the log-in's second step,
wrong codes, removing it, and the demo logins' codes."""

import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from accounts.demo import demo_devices_enrol, demo_key
from accounts.permissions import mfa_required
from conftest import DEMO_PASSWORD
from privacy.models import AuditAction, AuditEvent
from tests.accounts.helpers import DEFAULT_ROLES, code_for, code_from_secret, secret_on

pytestmark = pytest.mark.django_db


@pytest.fixture
def mfa_on(settings):
    settings.MFA_REQUIRED_ROLES = DEFAULT_ROLES


def log_in(client, username, next_url="/cases/"):
    return client.post(f"{reverse('login')}?next={next_url}",
                       {"username": username, "password": DEMO_PASSWORD, "next": next_url})


def enrolled(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="app", confirmed=True)


def audit_count(action, user) -> int:
    return AuditEvent.objects.filter(action=action, actor_id=user.pk).count()


@pytest.mark.parametrize("username, required", [
    ("kz-head", True), ("ua-head", True), ("kz-police", True), ("kz-police-duty", True), ("kz-111", True),
    ("ua-secretary", True), ("kz-ombudsman", True), ("ua-ombudsman", True), ("ua-children-service", True),
    ("kz-coordinator", False), ("kz-teacher", False), ("ua-teacher", False), ("ua-psychologist", False),
])
def test_heads_agency_staff_secretaries_and_ombudsmen_must_have_a_second_factor(mfa_on, persona, username,
                                                                                  required):
    assert mfa_required(persona(username)) is required


def test_the_setting_decides_per_role(settings, persona):
    settings.MFA_REQUIRED_ROLES = ["coordinator"]
    assert mfa_required(persona("kz-coordinator")) and not mfa_required(persona("kz-head"))
    settings.MFA_REQUIRED_ROLES = []
    assert not mfa_required(persona("kz-police"))


def test_a_head_without_a_device_is_sent_to_set_one_up_and_nothing_else_opens(mfa_on, persona):
    client = Client()
    response = log_in(client, "kz-head")
    assert response.status_code == 302
    response = client.get(response["Location"])
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:mfa-enrol"))
    for path in ["/cases/", reverse("accounts:account"), reverse("accounts:password"), reverse("notifications:inbox")]:
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:mfa-enrol")), path
    # The API refuses the half-open session; log-out and the language still work.
    api = client.get("/api/v1/cases/")
    assert api.status_code in (401, 403) and "second factor" in api.json()["detail"]
    assert client.post(reverse("set_language"), {"language": "ru", "next": "/"}).status_code == 302
    assert client.get(reverse("accounts:mfa-enrol")).status_code == 200
    assert client.post(reverse("logout")).status_code == 302
    assert client.get("/cases/").status_code == 302


def test_setting_up_the_authenticator_shows_a_qr_code_and_the_key_then_ten_backup_codes_once(mfa_on, persona):
    head = persona("kz-head")
    client = Client()
    log_in(client, "kz-head")
    page = client.get(reverse("accounts:mfa-enrol")).content.decode()
    assert "<svg" in page and 'class="segno"' in page
    secret = secret_on(page)
    # A wrong code: the form again with a message, nothing confirmed.
    response = client.post(reverse("accounts:mfa-enrol"), {"code": "000000" if code_from_secret(secret) != "000000"
                                                          else "111111"})
    assert response.status_code == 200 and "That code is not right" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=head, confirmed=True).exists()
    # The page shown again keeps the same key: the app need not be set up twice.
    assert secret_on(client.get(reverse("accounts:mfa-enrol")).content.decode()) == secret
    response = client.post(reverse("accounts:mfa-enrol"), {"code": code_from_secret(secret), "next": "/cases/"})
    body = response.content.decode()
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", body)
    assert response.status_code == 200 and len(codes) == 10
    assert StaticToken.objects.filter(device__user=head).count() == 10
    assert audit_count(AuditAction.MFA_ENROL, head) == 1
    assert not any(code in str(e.detail) for e in AuditEvent.objects.all() for code in codes)
    # This session is verified now; the codes are not shown again.
    assert client.get("/cases/").status_code == 200
    assert not any(code in client.get(reverse("accounts:account")).content.decode() for code in codes)


def test_a_user_with_a_device_enters_a_code_after_the_password(mfa_on, persona):
    head = persona("kz-head")
    device = enrolled(head)
    client = Client()
    response = log_in(client, "kz-head", next_url="/notifications/")
    response = client.get(response["Location"])
    assert response["Location"].startswith(reverse("accounts:mfa-verify"))
    verify_url = response["Location"]
    page = client.get(verify_url)
    assert page.status_code == 200 and "Enter your code" in page.content.decode()
    response = client.post(verify_url, {"code": code_for(device)})
    assert response.status_code == 302 and response["Location"] == "/notifications/"
    assert client.get("/cases/").status_code == 200
    assert client.get("/api/v1/cases/").status_code == 200


def test_a_wrong_code_is_refused_with_a_message_audited_and_slows_the_next_tries(mfa_on, persona):
    head = persona("kz-head")
    device = enrolled(head)
    client = Client()
    log_in(client, "kz-head")
    wrong = "123456" if code_for(device) != "123456" else "654321"
    response = client.post(reverse("accounts:mfa-verify"), {"code": wrong})
    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    assert audit_count(AuditAction.MFA_FAILED, head) == 1
    assert client.get("/cases/").status_code == 302
    # django-otp's throttle: right after a failure even the right code must wait.
    response = client.post(reverse("accounts:mfa-verify"), {"code": code_for(device)})
    assert "Too many wrong codes" in response.content.decode()
    assert client.get("/cases/").status_code == 302


def test_wrong_codes_count_as_failed_log_ins_and_lock_the_account_out(mfa_on, settings, persona):
    settings.AXES_FAILURE_LIMIT = 3
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # the lock-out, not the throttle, is what this checks
    device = enrolled(persona("kz-head"))
    client = Client()
    log_in(client, "kz-head")
    wrong = "123456" if code_for(device) != "123456" else "654321"
    statuses = [client.post(reverse("accounts:mfa-verify"), {"code": wrong}).status_code for _i in range(3)]
    assert statuses == [200, 200, 429]
    # The half-open session is gone, and the password no longer gets in.
    assert client.get("/cases/").status_code == 302
    assert log_in(Client(), "kz-head").status_code == 429


def test_a_backup_code_works_once(mfa_on, persona):
    head = persona("kz-head")
    enrolled(head)
    from accounts.services import mfa_backup_codes_renew

    code = mfa_backup_codes_renew(user=head)[0]
    client = Client()
    log_in(client, "kz-head")
    assert client.post(reverse("accounts:mfa-verify"), {"code": code}).status_code == 302
    assert client.get("/cases/").status_code == 200
    other = Client()
    log_in(other, "kz-head")
    assert "That code is not right" in other.post(reverse("accounts:mfa-verify"), {"code": code}).content.decode()


def test_a_teacher_is_not_asked_but_once_set_up_the_code_is_asked_at_every_log_in(mfa_on, persona):
    client = Client()
    response = log_in(client, "kz-teacher")
    assert client.get(response["Location"]).status_code == 200
    assert client.get(reverse("accounts:mfa-enrol")).status_code == 200  # optional: may set one up
    enrolled(persona("kz-teacher"))
    again = Client()
    response = log_in(again, "kz-teacher")
    assert again.get(response["Location"])["Location"].startswith(reverse("accounts:mfa-verify"))


def test_removing_the_device_needs_a_current_code_and_is_audited(mfa_on, settings, persona):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # the wrong code's wait is another test's concern
    teacher = persona("kz-teacher")
    device = enrolled(teacher)
    client = Client()
    log_in(client, "kz-teacher")
    client.post(reverse("accounts:mfa-verify"), {"code": code_for(device)})
    response = client.post(reverse("accounts:mfa-remove"), {"code": "000000" if code_for(device) != "000000" else "1"})
    assert response.status_code == 200 and "That code is not right" in response.content.decode()
    assert TOTPDevice.objects.filter(user=teacher).exists()
    response = client.post(reverse("accounts:mfa-remove"), {"code": code_for(device, steps_ahead=1)})
    assert response.status_code == 302 and response["Location"] == reverse("accounts:account")
    assert not TOTPDevice.objects.filter(user=teacher).exists()
    assert audit_count(AuditAction.MFA_RESET, teacher) == 1
    assert client.get("/cases/").status_code == 200  # optional for a teacher: nothing more to do


def test_a_head_who_removes_the_device_must_set_up_a_new_one(mfa_on, persona):
    head = persona("kz-head")
    device = enrolled(head)
    client = Client()
    log_in(client, "kz-head")
    client.post(reverse("accounts:mfa-verify"), {"code": code_for(device)})
    response = client.post(reverse("accounts:mfa-remove"), {"code": code_for(device, steps_ahead=1)})
    assert response["Location"] == reverse("accounts:mfa-enrol")
    assert client.get("/cases/")["Location"].startswith(reverse("accounts:mfa-enrol"))


def test_new_backup_codes_replace_the_old_ones(persona):
    teacher = persona("kz-teacher")
    enrolled(teacher)
    from accounts.services import mfa_backup_codes_renew

    old = mfa_backup_codes_renew(user=teacher)
    client = Client()
    client.force_login(teacher)
    client.post(reverse("accounts:mfa-verify"), {"code": old[0]})
    response = client.post(reverse("accounts:mfa-backup-codes"))
    new = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", response.content.decode())
    assert len(new) == 10 and not set(new) & set(old)
    assert set(StaticToken.objects.filter(device__user=teacher).values_list("token", flat=True)) == set(new)


# --- Demo logins -----------------------------------------------------------------------------------

def test_load_demo_gives_the_demo_logins_of_the_required_roles_a_derived_device(mfa_on, persona):
    enrolled_now = demo_devices_enrol()
    assert "kz-head" in enrolled_now and "kz-police" in enrolled_now and "ua-secretary" in enrolled_now
    assert "kz-coordinator" not in enrolled_now and "ua-teacher" not in enrolled_now
    device = TOTPDevice.objects.get(user=persona("kz-head"))
    assert device.key == demo_key("kz-head") != demo_key("kz-police")
    assert demo_devices_enrol() == []  # idempotent


def test_the_code_page_tells_the_demo_code_only_with_demo_hints_and_only_for_demo_devices(mfa_on, settings,
                                                                                         persona):
    demo_devices_enrol()
    device = TOTPDevice.objects.get(user=persona("kz-police"))
    client = Client()
    log_in(client, "kz-police")
    settings.DEMO_HINTS = False
    assert "Demo account" not in client.get(reverse("accounts:mfa-verify")).content.decode()
    settings.DEMO_HINTS = True
    page = client.get(reverse("accounts:mfa-verify")).content.decode()
    shown = re.search(r"Demo account: the current code is (\d{6})", page).group(1)
    assert shown in {code_for(device), code_for(device, steps_ahead=1)}
    # A device with its own secret (set up by the person) is not a demo device.
    TOTPDevice.objects.filter(user=persona("kz-police")).delete()
    enrolled(persona("kz-police"))
    assert "Demo account" not in client.get(reverse("accounts:mfa-verify")).content.decode()


def test_demo_totp_prints_the_current_code_of_a_demo_login_only(mfa_on, persona):
    demo_devices_enrol()
    out = io.StringIO()
    call_command("demo_totp", "kz-head", stdout=out)
    device = TOTPDevice.objects.get(user=persona("kz-head"))
    assert out.getvalue().strip() in {code_for(device), code_for(device, steps_ahead=1)}
    with pytest.raises(CommandError):
        call_command("demo_totp", "kz-coordinator", stdout=io.StringIO())


def test_the_demo_command_enrols_and_a_new_user_logs_in_with_the_printed_code(mfa_on, persona):
    call_command("load_demo", "--no-cases", stdout=io.StringIO())
    out = io.StringIO()
    call_command("demo_totp", "ua-head", stdout=out)
    client = Client()
    log_in(client, "ua-head")
    response = client.post(reverse("accounts:mfa-verify"), {"code": out.getvalue().strip(), "next": "/cases/"})
    assert response.status_code == 302 and client.get("/cases/").status_code == 200


# --- The API's token endpoint --------------------------------------------------------------------

def test_the_token_endpoint_asks_mfa_users_for_their_code(mfa_on, persona):
    device = enrolled(persona("kz-police"))
    api = APIClient()
    url = reverse("api-token")
    missing = api.post(url, {"username": "kz-police", "password": DEMO_PASSWORD}, format="json")
    assert missing.status_code == 400 and "otp" in missing.json() and "token" not in missing.json()
    wrong = "123456" if code_for(device) != "123456" else "654321"
    bad = api.post(url, {"username": "kz-police", "password": DEMO_PASSWORD, "otp": wrong}, format="json")
    assert bad.status_code == 400 and list(bad.json()) == ["otp"]
    assert audit_count(AuditAction.MFA_FAILED, persona("kz-police")) == 1
    device.throttling_failure_count = 0
    device.save()
    good = api.post(url, {"username": "kz-police", "password": DEMO_PASSWORD, "otp": code_for(device)},
                    format="json")
    assert good.status_code == 200 and good.json()["token"] and good.json()["expiry"]


def test_the_token_endpoint_refuses_a_required_user_without_a_device(mfa_on):
    response = APIClient().post(reverse("api-token"), {"username": "kz-head", "password": DEMO_PASSWORD},
                                format="json")
    assert response.status_code == 400 and "otp" in response.json()


def test_without_enforcement_the_token_endpoint_needs_no_code(demo):
    response = APIClient().post(reverse("api-token"), {"username": "kz-police", "password": DEMO_PASSWORD},
                                format="json")
    assert response.status_code == 200 and "token" in response.json()
