"""The directory's pages: the list with its filters, an entry, and the keepers' forms."""

import pytest
from django.urls import reverse
from django.utils import translation

from directory.demo import load_directory_demo
from directory.models import HelpOrganisation
from privacy.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, persona):
    def _as(username):
        client.force_login(persona(username))
        return client

    return _as


@pytest.fixture
def kz_entries(country, entry):
    kz, region, district = country("KZ")
    crisis = entry(kz, "Сенім дағдарыс орталығы", region=region, district=district,
                   services=["crisis_centre", "legal"], address="Абай к-сі 1", phone="+7 (72772) 2-15-40",
                   hours="Тәулік бойы")
    helpline = entry(kz, "Сенім телефоны 150", services=["hotline"], phone="150")
    closed = entry(kz, "Жабылған орталық", region=region, is_active=False)
    return crisis, helpline, closed


def test_the_list_shows_how_to_reach_each_organisation(signed_in, kz_entries):
    crisis, helpline, closed = kz_entries
    page = signed_in("kz-police").get(reverse("directory:list"))
    assert page.status_code == 200
    body = page.content.decode()
    for text in ["Сенім дағдарыс орталығы", "Абай к-сі 1", "+7 (72772) 2-15-40", "Тәулік бойы",
                 "Crisis centre or shelter", "Legal aid", "Алматы облысы", "Whole country", "Last checked"]:
        assert text in body, text
    assert "Жабылған орталық" not in body
    assert body.index("Сенім дағдарыс орталығы") < body.index("Сенім телефоны 150")  # regional first


def test_the_list_filters_by_service_and_words(signed_in, kz_entries, country):
    client = signed_in("kz-teacher")
    by_service = client.get(reverse("directory:list"), {"service": "hotline"}).content.decode()
    assert "Сенім телефоны 150" in by_service and "Сенім дағдарыс орталығы" not in by_service
    by_words = client.get(reverse("directory:list"), {"q": "абай"}).content.decode()
    assert "Сенім дағдарыс орталығы" in by_words and "Сенім телефоны 150" not in by_words
    _kz, region, _district = country("KZ")
    by_region = client.get(reverse("directory:list"), {"region": region.pk}).content.decode()
    assert "Сенім дағдарыс орталығы" in by_region and "Сенім телефоны 150" in by_region


def test_only_keepers_see_inactive_entries_and_the_add_button(signed_in, kz_entries):
    keeper = signed_in("kz-psychologist").get(reverse("directory:list"), {"inactive": "1"}).content.decode()
    assert "Жабылған орталық" in keeper and reverse("directory:new") in keeper
    reader = signed_in("kz-coordinator").get(reverse("directory:list"), {"inactive": "1"}).content.decode()
    assert "Жабылған орталық" not in reader and reverse("directory:new") not in reader


def test_another_countrys_staff_see_their_own_directory_only(signed_in, kz_entries):
    crisis, _helpline, _closed = kz_entries
    client = signed_in("ua-coordinator")
    assert "Сенім дағдарыс орталығы" not in client.get(reverse("directory:list")).content.decode()
    assert client.get(reverse("directory:detail", args=[crisis.pk])).status_code == 404


def test_the_detail_page(signed_in, kz_entries):
    crisis, _helpline, closed = kz_entries
    client = signed_in("kz-health")
    body = client.get(reverse("directory:detail", args=[crisis.pk])).content.decode()
    assert "Абай к-сі 1" in body and "Қонаев қаласы" in body
    assert reverse("directory:edit", args=[crisis.pk]) not in body  # a reader gets no edit link
    assert "no longer offered" in client.get(reverse("directory:detail", args=[closed.pk])).content.decode()
    assert reverse("directory:edit", args=[crisis.pk]) in signed_in("kz-head").get(
        reverse("directory:detail", args=[crisis.pk])).content.decode()


def form_data(**overrides):
    data = {"name": "Жан орталығы", "services": ["psychological", "family"], "address": "Абай к-сі 31",
            "phone": "+7 (72772) 4-08-12", "hours": "Дс–Жм 9:00–18:00", "jurisdiction": "KZ"}
    data.update(overrides)
    return data


def test_a_keeper_adds_an_entry(signed_in, country):
    _kz, region, district = country("KZ")
    response = signed_in("kz-social-pedagogue").post(
        reverse("directory:new"), form_data(region=region.pk, district=district.pk))
    organisation = HelpOrganisation.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("directory:detail", args=[organisation.pk])
    assert (organisation.jurisdiction.code, organisation.region, organisation.services) == (
        "KZ", region, ["psychological", "family"])


def test_a_refused_form_shows_each_problem_on_its_field_and_saves_nothing(signed_in, country):
    _ua, ua_region, _ = country("UA")
    response = signed_in("kz-head").post(reverse("directory:new"), form_data(
        name="", services=["astrology"], phone="", region=ua_region.pk))
    assert response.status_code == 400
    form = response.context["form"]
    assert set(form.errors) >= {"name", "services", "phone", "region"}
    assert "Nothing was saved" in response.content.decode()
    assert not HelpOrganisation.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditAction.DIRECTORY_CHANGE).exists()


def test_a_keeper_corrects_and_deactivates_an_entry(signed_in, kz_entries):
    crisis, _helpline, _closed = kz_entries
    client = signed_in("kz-police-head")
    assert client.get(reverse("directory:edit", args=[crisis.pk])).status_code == 200
    data = form_data(name=crisis.name, services=crisis.services, phone="+7 (72772) 2-15-99",
                     address=crisis.address, hours=crisis.hours, region=crisis.region_id,
                     district=crisis.district_id)  # "is_active" left unticked
    assert client.post(reverse("directory:edit", args=[crisis.pk]), data).status_code == 302
    crisis.refresh_from_db()
    assert crisis.phone == "+7 (72772) 2-15-99" and not crisis.is_active
    assert AuditEvent.objects.get(action=AuditAction.DIRECTORY_CHANGE).detail["fields"] == ["is_active", "phone"]


@pytest.mark.parametrize("username", ["kz-coordinator", "kz-teacher", "kz-police", "kz-ombudsman"])
def test_a_reader_gets_a_clear_refusal_and_nothing_changes(signed_in, kz_entries, username):
    crisis, _helpline, _closed = kz_entries
    client = signed_in(username)
    for response in [client.get(reverse("directory:new")), client.post(reverse("directory:new"), form_data()),
                     client.get(reverse("directory:edit", args=[crisis.pk])),
                     client.post(reverse("directory:edit", args=[crisis.pk]), form_data(name="Басқа"))]:
        assert response.status_code == 403
        assert "You cannot change the help directory" in response.content.decode()
    assert HelpOrganisation.objects.count() == 3
    assert HelpOrganisation.objects.get(pk=crisis.pk).name == "Сенім дағдарыс орталығы"


def test_the_navigation_links_the_directory_for_staff(signed_in):
    body = signed_in("kz-teacher").get(reverse("notifications:inbox")).content.decode()
    assert f'href="{reverse("directory:list")}"' in body


@pytest.mark.parametrize("language", ["kk", "ru", "uk", "en"])
def test_the_list_renders_in_every_language(client, persona, demo, language):
    load_directory_demo()
    client.force_login(persona("kz-psychologist"))
    with translation.override(language):
        response = client.get(reverse("directory:list"), HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    body = response.content.decode()
    assert f'<html lang="{language}">' in body
    assert "Балалар мен жасөспірімдерге арналған 150 сенім телефоны" in body


def test_the_demo_directory_is_loaded_once(demo):
    assert load_directory_demo() == 12
    assert load_directory_demo() == 0
    assert set(HelpOrganisation.objects.values_list("jurisdiction__code", flat=True)) == {"KZ", "UA"}
    assert HelpOrganisation.objects.filter(region__isnull=True).count() == 2  # the national helplines


def test_no_template_syntax_reaches_the_pages(signed_in, kz_entries):
    crisis, _helpline, _closed = kz_entries
    pages = [signed_in("kz-head").get(reverse(name, args=args)) for name, args in [
        ("directory:list", []), ("directory:detail", [crisis.pk]), ("directory:new", []),
        ("directory:edit", [crisis.pk])]]
    pages.append(signed_in("kz-teacher").get(reverse("directory:new")))  # the refusal page
    for page in pages:
        html = page.content.decode()
        for token in ("{#", "#}", "{%", "%}", "{{", "}}"):
            assert token not in html, (page.request["PATH_INFO"], token)
