"""The public pages and the triage pages as a pupil and a coordinator use them (issue #11)."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from privacy.models import AuditEvent
from tests.tipline.conftest import PASSPHRASE, png_bytes
from tipline import services
from tipline.models import Tip, TipMessage, TipStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def token(school):
    return services.school_link_ensure(school=school("kz-school-1")).token


def _report(client, token, **fields):
    data = {"what": "Үзілісте итеріп жіберді.", "place": "corridor", "feeling": "Жаман",
            "passphrase": PASSPHRASE, "passphrase_again": PASSPHRASE, "website": ""}
    data.update(fields)
    return client.post(reverse("tipline:report", args=[token]), data)


def _code(response) -> str:
    return re.search(r'id="tip-code">([0-9A-Z-]+)<', response.content.decode()).group(1)


def test_a_pupil_reports_and_sees_the_code_once(client, token):
    page = client.get(reverse("tipline:report", args=[token]))
    assert page.status_code == 200 and 'name="website"' in page.content.decode()
    response = _report(client, token, files=[SimpleUploadedFile("s.png", png_bytes(), "image/png")])
    assert response.status_code == 201
    code = _code(response)
    tip = Tip.objects.get()
    assert tip.code_index == services.code_index(code) and tip.files.count() == 1
    assert code not in str(dict(client.session))  # shown here only, kept nowhere


def test_bad_input_is_shown_per_field_in_the_pupils_language(client, token):
    client.post(reverse("set_language"), {"language": "ru", "next": "/"})
    response = _report(client, token, what="", passphrase="abc", passphrase_again="abc")
    assert response.status_code == 400 and not Tip.objects.exists()
    body = response.content.decode()
    assert 'lang="ru"' in body
    assert body.count('class="error"') >= 2


def test_the_honeypot_saves_nothing(client, token):
    response = _report(client, token, website="https://spam.example")
    assert response.status_code == 400 and not Tip.objects.exists()


def test_follow_up_reads_replies_and_writes_back(client, token, persona):
    code = _code(_report(client, token))
    tip = Tip.objects.get()
    services.tip_reply(user=persona("kz-coordinator"), tip=tip, body="Ертең психологқа кел.")
    wrong = client.post(reverse("tipline:follow_up", args=[token]), {"code": code, "passphrase": "nope nope"})
    assert wrong.status_code == 400 and "The code or the passphrase is not right" in wrong.content.decode()
    opened = client.post(reverse("tipline:follow_up", args=[token]), {"code": code, "passphrase": PASSPHRASE})
    assert opened.status_code == 302
    thread = client.get(reverse("tipline:thread", args=[token]))
    assert "Ертең психологқа кел." in thread.content.decode()
    sent = client.post(reverse("tipline:thread", args=[token]),
                       {"body": "Жарайды", "files": [SimpleUploadedFile("x.png", png_bytes(), "image/png")]})
    assert sent.status_code == 302
    assert TipMessage.objects.filter(tip=tip, author="reporter").get().files.count() == 1
    client.post(reverse("tipline:follow_up_leave", args=[token]))
    assert client.get(reverse("tipline:thread", args=[token])).status_code == 302


def test_the_reporter_sees_the_closing_reason(client, token, persona):
    code = _code(_report(client, token))
    services.tip_close(user=persona("kz-coordinator"), tip=Tip.objects.get(), reason="Сыныппен сөйлестік.")
    client.post(reverse("tipline:follow_up", args=[token]), {"code": code, "passphrase": PASSPHRASE})
    body = client.get(reverse("tipline:thread", args=[token])).content.decode()
    assert "Сыныппен сөйлестік." in body and 'id="tip-close-reason"' in body


def test_staff_reading_is_audited_and_replies_go_through(client, token, persona):
    _report(client, token)
    tip = Tip.objects.get()
    staff = APIClient()
    staff.force_login(persona("kz-psychologist"))
    assert staff.get(reverse("tipline:detail", args=[tip.pk])).status_code == 200
    assert AuditEvent.objects.filter(action="tip_view", actor__username="kz-psychologist",
                                     detail__tip=str(tip.pk)).exists()
    response = staff.post(reverse("tipline:reply", args=[tip.pk]), {"body": "Кел, сөйлесейік."})
    assert response.status_code == 302 and Tip.objects.get().status == TipStatus.ANSWERED


def test_the_api_lists_reads_replies_and_closes(client, token, persona):
    _report(client, token, what="Мені пышақпен қорқытты")
    tip = Tip.objects.get()
    api = APIClient()
    api.force_login(persona("kz-coordinator"))
    rows = api.get(reverse("api-tip-list")).json()
    assert rows[0]["id"] == str(tip.pk) and rows[0]["is_urgent"] is True
    detail = api.get(reverse("api-tip-detail", args=[tip.pk])).json()
    assert detail["what"] == "Мені пышақпен қорқытты" and detail["status"] == "new"
    bad = api.post(reverse("api-tip-reply", args=[tip.pk]), {"body": ""}, format="json")
    assert bad.status_code == 400 and "body" in bad.json()
    assert api.post(reverse("api-tip-reply", args=[tip.pk]), {"body": "Қазір келемін"}, format="json").status_code == 201
    closed = api.post(reverse("api-tip-close", args=[tip.pk]), {"reason": "Полицияға хабарладық"}, format="json")
    assert closed.status_code == 200 and closed.json()["status"] == "closed"


def test_the_school_link_page_shows_a_qr_code_of_the_random_link(persona, school):
    staff = APIClient()
    staff.force_login(persona("kz-head"))
    agency = school("kz-school-1")
    page = staff.get(reverse("tipline:school_link", args=[agency.pk]))
    token = services.school_link_ensure(school=agency).token
    assert page.status_code == 200 and f"/report/{token}/" in page.content.decode()
    qr = staff.get(reverse("tipline:school_qr", args=[agency.pk]))
    assert qr["Content-Type"] == "image/svg+xml" and qr.content.lstrip().startswith(b"<svg")


def test_convert_page_prefills_the_report_and_files_a_case(client, token, persona):
    _report(client, token, files=[SimpleUploadedFile("s.png", png_bytes(), "image/png")])
    tip = Tip.objects.get()
    staff = APIClient()
    staff.force_login(persona("kz-coordinator"))
    page = staff.get(reverse("tipline:convert", args=[tip.pk]))
    assert "Үзілісте итеріп жіберді." in page.content.decode()
    data = {"kinds": ["bullying"], "places": ["corridor"], "description": "Үзілісте итеріп жіберді.",
            "party-TOTAL_FORMS": "1", "party-INITIAL_FORMS": "0", "party-MIN_NUM_FORMS": "0",
            "party-MAX_NUM_FORMS": "1000", "party-0-role": "victim", "party-0-family_name": "Сейітов",
            "party-0-given_name": "Нұрлан", "party-0-is_minor": "on"}
    response = staff.post(reverse("tipline:convert", args=[tip.pk]), data)
    assert response.status_code == 302
    tip.refresh_from_db()
    assert tip.case is not None and tip.case.received_at == tip.received_at
    assert response["Location"] == reverse("cases:detail", args=[tip.case.pk])


def test_the_in_app_alert_shows_in_the_header_until_the_report_is_read(client, token, persona):
    _report(client, token, what="Ол пышақ әкелді")
    tip = Tip.objects.get()
    head = APIClient()
    head.force_login(persona("kz-head"))
    page = head.get(reverse("tipline:queue")).content.decode()
    assert 'class="badge urgent" title="Urgent reports not read yet">1<' in page
    head.get(reverse("tipline:detail", args=[tip.pk]))
    assert "Urgent reports not read yet" not in head.get(reverse("tipline:queue")).content.decode()
    psychologist = APIClient()
    psychologist.force_login(persona("kz-psychologist"))  # reads reports, is not alerted
    assert "Urgent reports not read yet" not in psychologist.get(reverse("tipline:queue")).content.decode()
