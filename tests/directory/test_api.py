"""The directory's API: reading by country, the keepers' writes, refusals per field."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from directory.models import HelpOrganisation
from privacy.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db

LIST = reverse("api-help-organisation-list")


def detail(pk):
    return reverse("api-help-organisation-detail", args=[pk])


@pytest.fixture
def api(persona):
    def _as(username):
        client = APIClient()
        client.force_authenticate(persona(username))
        return client

    return _as


@pytest.fixture
def entries(country, entry):
    kz, region, district = country("KZ")
    ua, _ua_region, _ = country("UA")
    return {
        "crisis": entry(kz, "Сенім", region=region, district=district, services=["crisis_centre"]),
        "helpline": entry(kz, "150", services=["hotline", "psychological"], phone="150"),
        "closed": entry(kz, "Жабылған", region=region, is_active=False),
        "ua": entry(ua, "Гаряча лінія", services=["hotline"], phone="116 111"),
    }


def test_the_list_gives_the_readers_country_most_useful_first(api, entries, country):
    rows = api("kz-police").get(LIST).json()["results"]
    assert [row["name"] for row in rows] == ["Сенім", "150"]
    first = rows[0]
    assert (first["jurisdiction"], first["region_name"], first["district_name"], first["services"]) == (
        "KZ", "Алматы облысы", "Қонаев қаласы", ["crisis_centre"])
    assert rows[1]["region"] is None
    _kz, region, _district = country("KZ")
    filtered = api("kz-police").get(LIST, {"region": region.pk, "service": "psychological", "q": "15"}).json()
    assert [row["name"] for row in filtered["results"]] == ["150"]


def test_filters_are_checked(api, entries, country):
    _ua, ua_region, _ = country("UA")
    client = api("kz-police")
    assert client.get(LIST, {"service": "astrology"}).status_code == 400
    assert "region" in client.get(LIST, {"region": ua_region.pk}).json()
    assert "jurisdiction" in client.get(LIST, {"jurisdiction": "UA"}).json()


def test_another_countrys_entry_is_a_404(api, entries):
    assert api("ua-head").get(detail(entries["crisis"].pk)).status_code == 404
    assert api("ua-head").get(detail(entries["ua"].pk)).json()["name"] == "Гаряча лінія"
    assert [row["name"] for row in api("ua-head").get(LIST).json()["results"]] == ["Гаряча лінія"]


def test_a_keeper_adds_an_entry(api, country):
    _kz, region, district = country("KZ")
    response = api("kz-psychologist").post(LIST, {
        "name": "Жан", "services": ["psychological"], "region": region.pk, "district": district.pk,
        "phone": "+7 (72772) 4-08-12", "hours": "Дс–Жм 9:00–18:00"}, format="json")
    assert response.status_code == 201, response.content
    organisation = HelpOrganisation.objects.get(pk=response.json()["id"])
    assert (organisation.jurisdiction.code, organisation.district) == ("KZ", district)
    assert AuditEvent.objects.get(action=AuditAction.DIRECTORY_CHANGE).detail["id"] == organisation.pk


def test_bad_input_is_a_400_per_field_and_nothing_is_saved(api):
    response = api("kz-head").post(LIST, {"name": "", "services": ["astrology"], "email": "nope"}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"name", "services", "email"}
    assert not HelpOrganisation.objects.exists()


@pytest.mark.parametrize("username", ["kz-coordinator", "kz-police", "kz-ombudsman"])
def test_a_reader_may_not_write(api, entries, username):
    client = api(username)
    assert client.post(LIST, {"name": "Жан", "services": ["psychological"], "phone": "123"},
                       format="json").status_code == 403
    assert client.patch(detail(entries["crisis"].pk), {"name": "Басқа"}, format="json").status_code == 403
    assert HelpOrganisation.objects.count() == 4
    assert HelpOrganisation.objects.get(pk=entries["crisis"].pk).name == "Сенім"


def test_a_keeper_corrects_and_deactivates(api, entries):
    client = api("kz-guardianship-head")
    response = client.patch(detail(entries["crisis"].pk), {"phone": "+7 700 111 22 33"}, format="json")
    assert response.status_code == 200 and response.json()["phone"] == "+7 700 111 22 33"
    assert client.patch(detail(entries["crisis"].pk), {"phone": ""}, format="json").status_code == 400
    assert client.patch(detail(entries["crisis"].pk), {"is_active": False}, format="json").json()["is_active"] is False
    assert "Сенім" not in [row["name"] for row in client.get(LIST).json()["results"]]
    assert client.patch(detail(entries["ua"].pk), {"name": "x"}, format="json").status_code == 404


def test_anonymous_gets_401(entries):
    client = APIClient()
    assert client.get(LIST).status_code == 401
    assert client.get(detail(entries["crisis"].pk)).status_code == 401
