"""The admin writes directory entries through the services: checked, audited, never deleted."""

import pytest
from django.urls import reverse

from directory.models import HelpOrganisation
from privacy.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, django_user_model, demo):
    user = django_user_model.objects.create_superuser("directory-admin", "admin@example.org", "x")
    client.force_login(user)
    return client


def admin_form(country, **overrides):
    kz, region, _district = country("KZ")
    data = {"jurisdiction": kz.pk, "region": region.pk, "district": "", "name": "Сенім",
            "services": ["crisis_centre"], "address": "", "phone": "+7 700 000 00 01", "email": "",
            "website": "", "hours": "", "notes": "", "is_active": "on"}
    data.update(overrides)
    return data


def test_an_entry_added_in_the_admin_is_checked_and_audited(admin_client, country):
    refused = admin_client.post(reverse("admin:directory_helporganisation_add"),
                                admin_form(country, phone="", services=["astrology"]))
    assert refused.status_code == 200 and not HelpOrganisation.objects.exists()
    assert set(refused.context["adminform"].form.errors) >= {"phone", "services"}
    added = admin_client.post(reverse("admin:directory_helporganisation_add"), admin_form(country))
    assert added.status_code == 302
    organisation = HelpOrganisation.objects.get()
    assert organisation.services == ["crisis_centre"]
    assert AuditEvent.objects.get(action=AuditAction.DIRECTORY_CHANGE).detail["id"] == organisation.pk


def test_an_entry_is_changed_and_deactivated_but_never_deleted(admin_client, country):
    kz, region, _district = country("KZ")
    organisation = HelpOrganisation.objects.create(jurisdiction=kz, region=region, name="Сенім",
                                                   services=["crisis_centre"], phone="+7 700 000 00 01")
    url = reverse("admin:directory_helporganisation_change", args=[organisation.pk])
    data = admin_form(country, phone="+7 700 000 00 02")
    del data["is_active"]
    assert admin_client.post(url, data).status_code == 302
    organisation.refresh_from_db()
    assert organisation.phone == "+7 700 000 00 02" and not organisation.is_active
    assert AuditEvent.objects.get(action=AuditAction.DIRECTORY_CHANGE).detail["fields"] == ["is_active", "phone"]
    assert admin_client.get(reverse("admin:directory_helporganisation_delete",
                                    args=[organisation.pk])).status_code == 403
