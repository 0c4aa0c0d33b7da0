"""Takedown requests for online content (cyberbullying, issue #9 item 7): recorded by an agency that
holds the case, the address sealed, each status step kept with its time, updated by that agency only."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from config.errors import InputError
from evidence import services
from evidence.models import TakedownRequest, TakedownStatus
from privacy.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db

URL = "https://www.instagram.com/p/Cx-erlan_6a/"


@pytest.fixture
def case(persona, file_case):
    return file_case(persona("kz-coordinator"), "kz-school-1")


def _client(user):
    client = APIClient()
    client.force_login(user)
    return client


def test_a_request_is_recorded_with_its_address_sealed_and_audited(case, persona):
    takedown = services.takedown_request(user=persona("kz-coordinator"), case=case, platform="instagram",
                                         content_url=URL, platform_reference="IG-123")
    assert takedown.number == 1 and takedown.status == TakedownStatus.REQUESTED and takedown.agency == case.school
    stored = TakedownRequest.objects.filter(pk=takedown.pk).values_list("content_url", flat=True).get()
    assert "erlan" not in stored and "instagram" not in stored
    event = AuditEvent.objects.get(action=AuditAction.TAKEDOWN_REQUEST)
    assert event.detail["takedown"] == str(takedown.pk) and URL not in str(event.detail)
    assert list(takedown.history.values_list("status", flat=True)) == ["requested"]


@pytest.mark.parametrize("fields, field", [
    ({"platform": "myspace", "content_url": URL}, "platform"),
    ({"platform": "vk", "content_url": ""}, "content_url"),
    ({"platform": "vk", "content_url": "javascript:alert(1)"}, "content_url"),
    ({"platform": "vk", "content_url": URL, "requested_at": timezone.now() + dt.timedelta(hours=2)},
     "requested_at"),
])
def test_bad_input_is_refused_per_field(case, persona, fields, field):
    with pytest.raises(InputError) as err:
        services.takedown_request(user=persona("kz-coordinator"), case=case, **fields)
    assert field in err.value.errors and not TakedownRequest.objects.exists()


def test_the_status_history_keeps_each_step_and_only_the_requesting_agency_updates(case, persona):
    from agencies.models import Agency
    from notifications.services.notices import notice_send

    notice_send(user=persona("kz-head"), case=case, channel="phone", to_agency=Agency.objects.get(code="kz-police"))
    takedown = services.takedown_request(user=persona("kz-coordinator"), case=case, platform="tiktok",
                                         content_url=URL)
    with pytest.raises(InputError) as err:
        services.takedown_update(user=persona("kz-police"), takedown=takedown, status="removed")
    assert "__all__" in err.value.errors
    services.takedown_update(user=persona("kz-head"), takedown=takedown, status="acknowledged",
                             platform_reference="TT-55")
    services.takedown_update(user=persona("kz-psychologist"), takedown=takedown, status="removed")
    takedown.refresh_from_db()
    assert takedown.status == "removed" and takedown.platform_reference == "TT-55"
    assert list(takedown.history.values_list("status", flat=True)) == ["requested", "acknowledged", "removed"]
    with pytest.raises(InputError) as err:  # removed is final
        services.takedown_update(user=persona("kz-head"), takedown=takedown, status="requested")
    assert "status" in err.value.errors
    assert AuditEvent.objects.filter(action=AuditAction.TAKEDOWN_UPDATE).count() == 2


def test_browser_form_records_and_shows_the_request(case, persona):
    client = _client(persona("kz-coordinator"))
    response = client.post(reverse("evidence:takedown_new", args=[case.pk]),
                           {"platform": "telegram", "content_url": URL, "platform_reference": ""})
    assert response.status_code == 302
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert URL in page and "Telegram" in page
    response = client.post(reverse("evidence:takedown_new", args=[case.pk]),
                           {"platform": "telegram", "content_url": "not an address"})
    assert response.status_code == 400 and response.context["takedown_form"].errors["content_url"]
    takedown = TakedownRequest.objects.get()
    response = client.post(reverse("evidence:takedown_update", args=[takedown.pk]), {"status": "refused"})
    assert response.status_code == 302 and TakedownRequest.objects.get().status == "refused"


def test_api_create_list_update_and_outsiders_get_404(case, persona):
    client = _client(persona("kz-coordinator"))
    url = reverse("api-case-takedowns", args=[case.pk])
    response = client.post(url, {"platform": "youtube", "content_url": URL}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert client.get(url).json()[0]["content_url"] == URL
    detail = reverse("api-takedown-detail", args=[body["id"]])
    response = client.patch(detail, {"status": "acknowledged", "platform_reference": "YT-1"}, format="json")
    assert response.status_code == 200 and [s["status"] for s in response.json()["history"]] == [
        "requested", "acknowledged"]
    response = client.patch(detail, {"status": "bogus"}, format="json")
    assert response.status_code == 400 and "status" in response.json()
    outsider = _client(persona("kz-coordinator-2"))
    assert outsider.get(url).status_code == 404 and outsider.get(detail).status_code == 404
    assert outsider.post(url, {"platform": "vk", "content_url": URL}, format="json").status_code == 404
    assert outsider.patch(detail, {"status": "removed"}, format="json").status_code == 404
    assert TakedownRequest.objects.get().status == "acknowledged" and TakedownRequest.objects.count() == 1
