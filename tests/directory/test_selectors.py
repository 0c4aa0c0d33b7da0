"""Reading the directory: the most useful entries first, and only the reader's country's."""

import pytest
from django.http import Http404

from agencies.models import Region
from directory.selectors import help_organisation_get, help_organisations

pytestmark = pytest.mark.django_db


def names(qs):
    return [organisation.name for organisation in qs]


@pytest.fixture
def kz_directory(country, entry):
    kz, almaty_region, konaev = country("KZ")
    other_region = Region.objects.create(jurisdiction=kz, name="Жетісу облысы")
    entry(kz, "Helpline 150", region=None, services=["hotline"])
    entry(kz, "Crisis centre", region=almaty_region, district=konaev, services=["crisis_centre", "legal"],
          address="Абай к-сі 1")
    entry(kz, "Art studio", region=almaty_region, services=["leisure"])
    entry(kz, "Far away centre", region=other_region, services=["psychological"])
    entry(kz, "Closed centre", region=almaty_region, is_active=False)
    ua, ua_region, _ = country("UA")
    entry(ua, "Дитяча гаряча лінія", region=None, services=["hotline"])
    return kz, almaty_region, other_region


def test_a_regions_own_organisations_come_first_then_the_national_ones(kz_directory):
    kz, region, _other = kz_directory
    assert names(help_organisations(jurisdiction=kz, region=region)) == ["Art studio", "Crisis centre", "Helpline 150"]


def test_without_a_region_regional_entries_come_before_the_national_ones(kz_directory):
    kz, _region, _other = kz_directory
    assert names(help_organisations(jurisdiction=kz)) == [
        # by region name: Алматы before Жетісу
        "Art studio", "Crisis centre", "Far away centre", "Helpline 150"]


def test_another_countrys_entries_never_appear(kz_directory):
    kz, _region, _other = kz_directory
    assert "Дитяча гаряча лінія" not in names(help_organisations(jurisdiction=kz))


def test_filter_by_service_and_by_words(kz_directory):
    kz, region, _other = kz_directory
    assert names(help_organisations(jurisdiction=kz, service="legal")) == ["Crisis centre"]
    assert names(help_organisations(jurisdiction=kz, query="абай")) == ["Crisis centre"]
    assert names(help_organisations(jurisdiction=kz, query="Қонаев")) == ["Crisis centre"]  # the district
    assert names(help_organisations(jurisdiction=kz, region=region, service="hotline")) == ["Helpline 150"]


def test_inactive_entries_only_when_asked(kz_directory):
    kz, _region, _other = kz_directory
    assert "Closed centre" not in names(help_organisations(jurisdiction=kz))
    assert "Closed centre" in names(help_organisations(jurisdiction=kz, active_only=False))


def test_get_is_scoped_to_the_readers_country(kz_directory, persona):
    kz, _region, _other = kz_directory
    crisis = help_organisations(jurisdiction=kz).get(name="Crisis centre")
    assert help_organisation_get(crisis.pk, user=persona("kz-police")) == crisis
    with pytest.raises(Http404):
        help_organisation_get(crisis.pk, user=persona("ua-head"))
    with pytest.raises(Http404):
        help_organisation_get(10**9, user=persona("kz-police"))


def test_get_for_a_referral_wants_the_cases_country_and_an_active_entry(kz_directory, country):
    kz, _region, _other = kz_directory
    closed = help_organisations(jurisdiction=kz, active_only=False).get(name="Closed centre")
    assert help_organisation_get(closed.pk) == closed  # its page stays, for the referrals that name it
    with pytest.raises(Http404):
        help_organisation_get(closed.pk, jurisdiction=kz, active_only=True)
    with pytest.raises(Http404):
        help_organisation_get(closed.pk, jurisdiction=country("UA")[0])
