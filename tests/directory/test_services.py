"""Keeping the directory: who may, what is refused (per field, nothing saved), what is audited."""

import pytest
from django.core.exceptions import PermissionDenied

from config.errors import InputError
from directory.models import HelpOrganisation
from directory.services import help_organisation_create, help_organisation_deactivate, help_organisation_update
from privacy.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db

# Heads of any agency and of schools; school psychologists (KZ §38) and social pedagogues.
KZ_EDITORS = ["kz-head", "kz-psychologist", "kz-social-pedagogue", "kz-police-head", "kz-guardianship-head"]
KZ_READERS = ["kz-coordinator", "kz-teacher", "kz-police", "kz-police-duty", "kz-health", "kz-ombudsman", "kz-111"]


def valid(**overrides):
    fields = dict(name="Сенім орталығы", services=["crisis_centre", "psychological"], address="Абай к-сі 1",
                  phone="+7 (72772) 2-15-40", hours="Тәулік бойы", notes="Жолдама қажет емес.")
    fields.update(overrides)
    return fields


def directory_events():
    return AuditEvent.objects.filter(action=AuditAction.DIRECTORY_CHANGE)


@pytest.mark.parametrize("username", KZ_EDITORS)
def test_the_keepers_add_entries(persona, country, username):
    kz, region, district = country("KZ")
    organisation = help_organisation_create(user=persona(username), jurisdiction=kz, region=region,
                                            district=district, **valid())
    saved = HelpOrganisation.objects.get(pk=organisation.pk)
    assert (saved.name, saved.services, saved.region, saved.is_active) == (
        "Сенім орталығы", ["crisis_centre", "psychological"], region, True)


@pytest.mark.parametrize("username", [*KZ_READERS, "ua-head", "ua-psychologist"])
def test_everyone_else_is_refused_and_nothing_is_saved(persona, country, username):
    kz, _region, _district = country("KZ")
    with pytest.raises(PermissionDenied):
        help_organisation_create(user=persona(username), jurisdiction=kz, **valid())
    assert not HelpOrganisation.objects.exists() and not directory_events().exists()


def test_adding_is_audited_with_ids_and_field_names_only(persona, country):
    kz, region, _district = country("KZ")
    organisation = help_organisation_create(user=persona("kz-psychologist"), jurisdiction=kz, region=region,
                                            **valid())
    event = directory_events().get()
    assert event.actor_id == persona("kz-psychologist").pk and event.case_id is None
    assert event.detail == {"id": organisation.pk, "jurisdiction": "KZ",
                            "fields": ["address", "hours", "name", "notes", "phone", "region", "services"]}
    assert "Сенім" not in str(event.detail) and "72772" not in str(event.detail)


@pytest.mark.parametrize("overrides, field", [
    ({"name": "  "}, "name"),
    ({"name": "x" * 201}, "name"),
    ({"services": []}, "services"),
    ({"services": ["psychological", "astrology"]}, "services"),
    ({"phone": "", "email": "", "website": ""}, "phone"),
    ({"phone": "call the director"}, "phone"),
    ({"phone": "12"}, "phone"),
    ({"email": "not-an-address"}, "email"),
    ({"website": "http://"}, "website"),
    ({"address": "x" * 301}, "address"),
])
def test_bad_input_is_refused_on_its_field_and_nothing_is_saved(persona, country, overrides, field):
    kz, _region, _district = country("KZ")
    with pytest.raises(InputError) as refused:
        help_organisation_create(user=persona("kz-head"), jurisdiction=kz, **valid(**overrides))
    assert list(refused.value.errors) == [field]
    assert not HelpOrganisation.objects.exists() and not directory_events().exists()


def test_an_e_mail_or_a_website_is_enough_to_reach_them(persona, country):
    kz, _region, _district = country("KZ")
    by_mail = help_organisation_create(user=persona("kz-head"), jurisdiction=kz,
                                       **valid(phone="", email="help@example.org"))
    by_web = help_organisation_create(user=persona("kz-head"), jurisdiction=kz,
                                      **valid(name="Online", phone="", website="example.org/help"))
    assert by_mail.email == "help@example.org"
    assert by_web.website == "https://example.org/help"


def test_short_and_several_numbers_are_fine(persona, country):
    kz, _region, _district = country("KZ")
    organisation = help_organisation_create(user=persona("kz-head"), jurisdiction=kz,
                                            **valid(phone="116 111, 0 800 500 225"))
    assert organisation.phone == "116 111, 0 800 500 225"


def test_region_and_district_must_belong_together_and_to_the_country(persona, country):
    kz, kz_region, kz_district = country("KZ")
    _ua, ua_region, ua_district = country("UA")
    head = persona("kz-head")
    for place, field in [({"region": ua_region}, "region"), ({"district": kz_district}, "district"),
                         ({"region": kz_region, "district": ua_district}, "district")]:
        with pytest.raises(InputError) as refused:
            help_organisation_create(user=head, jurisdiction=kz, **valid(**place))
        assert field in refused.value.errors
    assert not HelpOrganisation.objects.exists()


@pytest.fixture
def crisis_centre(persona, country):
    kz, region, _district = country("KZ")
    return HelpOrganisation.objects.create(jurisdiction=kz, region=region, **valid())


def test_a_correction_audits_the_changed_fields(persona, crisis_centre):
    help_organisation_update(user=persona("kz-social-pedagogue"), organisation=crisis_centre,
                             phone="+7 (72772) 2-15-41", hours="Тәулік бойы", services=["crisis_centre"])
    saved = HelpOrganisation.objects.get(pk=crisis_centre.pk)
    assert (saved.phone, saved.services) == ("+7 (72772) 2-15-41", ["crisis_centre"])
    assert directory_events().get().detail == {"id": crisis_centre.pk, "jurisdiction": "KZ",
                                               "fields": ["phone", "services"]}


def test_saving_unchanged_records_the_check(persona, crisis_centre):
    before = HelpOrganisation.objects.get(pk=crisis_centre.pk).updated_at
    help_organisation_update(user=persona("kz-psychologist"), organisation=crisis_centre)
    assert HelpOrganisation.objects.get(pk=crisis_centre.pk).updated_at > before
    assert directory_events().get().detail["fields"] == []


def test_a_refused_correction_changes_nothing(persona, crisis_centre):
    with pytest.raises(InputError) as refused:
        help_organisation_update(user=persona("kz-head"), organisation=crisis_centre, name="", phone="abc")
    assert set(refused.value.errors) == {"name", "phone"}
    saved = HelpOrganisation.objects.get(pk=crisis_centre.pk)
    assert (saved.name, saved.phone) == ("Сенім орталығы", "+7 (72772) 2-15-40")
    assert not directory_events().exists()


@pytest.mark.parametrize("username", ["kz-coordinator", "kz-police", "ua-head"])
def test_a_reader_cannot_correct(persona, crisis_centre, username):
    with pytest.raises(PermissionDenied):
        help_organisation_update(user=persona(username), organisation=crisis_centre, name="Другое")
    assert HelpOrganisation.objects.get(pk=crisis_centre.pk).name == "Сенім орталығы"


def test_deactivating_takes_it_off_the_lists_and_is_audited(persona, crisis_centre):
    help_organisation_deactivate(user=persona("kz-head"), organisation=crisis_centre)
    assert not HelpOrganisation.objects.get(pk=crisis_centre.pk).is_active
    assert directory_events().get().detail["fields"] == ["is_active"]
    with pytest.raises(InputError):
        help_organisation_deactivate(user=persona("kz-head"), organisation=crisis_centre)
    with pytest.raises(PermissionDenied):
        help_organisation_update(user=persona("kz-teacher"), organisation=crisis_centre, is_active=True)
    help_organisation_update(user=persona("kz-head"), organisation=crisis_centre, is_active=True)
    assert HelpOrganisation.objects.get(pk=crisis_centre.pk).is_active
