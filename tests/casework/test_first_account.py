"""The child's first account (KZ §35, SPEC H4, issue #9 item 6): recorded once, verbatim; read
on its own page by whoever may see identities, so that no agency interviews the child again;
every read audited; the words never in the audit trail, on the case page or in the database
in clear.
"""

import datetime as dt
import json

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from agencies.models import Agency
from cases import permissions
from cases.services import case_share_with_agency
from casework.models import FirstAccount
from casework.services.first_account import first_account_addendum_add, first_account_record
from config.errors import InputError
from privacy.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db

WORDS = "Олар менің сөмкемді лақтырып, мені «ақымақ» деп атады. Мен мұғалімге айтқым келмеді."
PLACE = "Психологтың кабинеті, 204"
PRESENT = "Педагог-психолог Д. Жұмабаева, сынып жетекшісі"


@pytest.fixture
def case(demo, persona, file_case):
    case = file_case(persona("kz-coordinator"), "kz-school-1")
    case_share_with_agency(case=case, agency=Agency.objects.get(code="kz-police"))
    return case


@pytest.fixture
def victim(case):
    return case.parties.get(role="victim")


@pytest.fixture
def account(case, victim, persona):
    return first_account_record(user=persona("kz-psychologist"), case=case, party_id=victim.pk,
                                place=PLACE, present=PRESENT, words=WORDS,
                                spoken_at=timezone.now() - dt.timedelta(minutes=5))


def client_for(user):
    client = APIClient()
    client.force_login(user)
    return client


def test_the_school_psychologist_records_it_and_it_is_sealed_and_audited_without_the_words(account, case):
    account.refresh_from_db()
    assert account.words == WORDS and account.agency.code == "kz-school-1"
    with connection.cursor() as cursor:
        cursor.execute("SELECT words, place, present FROM casework_firstaccount WHERE id = %s", [account.pk])
        stored = " ".join(cursor.fetchone())
    assert "сөмкемді" not in stored and "204" not in stored
    event = AuditEvent.objects.get(action=AuditAction.FIRST_ACCOUNT_RECORD, case_id=case.pk)
    assert event.detail == {"account": str(account.pk), "party": str(account.party_id)}


def test_it_is_recorded_once_per_child(account, case, victim, persona):
    with pytest.raises(InputError) as err:
        first_account_record(user=persona("kz-police"), case=case, party_id=victim.pk,
                             place="x", present="y", words="басқа сөздер")
    assert "party" in err.value.errors
    assert FirstAccount.objects.filter(case=case).count() == 1
    response = client_for(persona("kz-coordinator")).post(
        reverse("casework:first_account_new", args=[case.pk]),
        {"party": str(victim.pk), "place": "x", "present": "y", "words": "басқа"})
    assert response.status_code == 400
    assert "party" in response.context["form"].errors
    assert FirstAccount.objects.get(case=case).words == WORDS


def test_only_a_child_party_has_a_first_account(case, persona):
    parent = case.parties.get(role="legal_representative")
    with pytest.raises(InputError) as err:
        first_account_record(user=persona("kz-psychologist"), case=case, party_id=parent.pk,
                             place=PLACE, present=PRESENT, words=WORDS)
    assert "party" in err.value.errors


def test_the_browser_form_refuses_empty_fields_and_saves_nothing(case, victim, persona):
    response = client_for(persona("kz-psychologist")).post(
        reverse("casework:first_account_new", args=[case.pk]), {"party": str(victim.pk), "words": "  "})
    assert response.status_code == 400
    assert {"place", "present", "words"} <= set(response.context["form"].errors)
    assert not FirstAccount.objects.exists()


def test_recorded_through_the_browser_form(case, victim, persona):
    response = client_for(persona("kz-psychologist")).post(
        reverse("casework:first_account_new", args=[case.pk]),
        {"party": str(victim.pk), "place": PLACE, "present": PRESENT, "words": WORDS})
    assert response.status_code == 302
    assert FirstAccount.objects.get(case=case, party=victim).words == WORDS


def test_the_case_page_says_it_exists_but_never_shows_the_words(account, case, persona):
    page = client_for(persona("kz-police")).get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert reverse("casework:first_account", args=[case.pk, account.party_id]) in page
    assert "сөмкемді" not in page and "Психологтың" not in page
    assert not AuditEvent.objects.filter(action=AuditAction.FIRST_ACCOUNT_VIEW).exists()


def test_another_agency_reads_it_instead_of_interviewing_and_every_read_is_audited(account, case, persona):
    client = client_for(persona("kz-police"))
    url = reverse("casework:first_account", args=[case.pk, account.party_id])
    for _ in range(2):
        response = client.get(url)
        assert response.status_code == 200 and "сөмкемді" in response.content.decode()
    reads = AuditEvent.objects.filter(action=AuditAction.FIRST_ACCOUNT_VIEW, case_id=case.pk)
    assert reads.count() == 2
    assert all(e.actor.username == "kz-police" and "сөмкемді" not in json.dumps(e.detail, ensure_ascii=False)
               for e in reads)


def test_a_reader_without_the_identity_permission_or_an_outsider_gets_404(account, case, persona):
    reader = persona("kz-coordinator-2")
    url = reverse("casework:first_account", args=[case.pk, account.party_id])
    assert client_for(reader).get(url).status_code == 404  # not shared at all
    permissions.grant_to_user(case, reader, (permissions.VIEW,))
    assert client_for(reader).get(url).status_code == 404  # the facts, not identities
    assert client_for(persona("ua-coordinator")).get(url).status_code == 404
    assert not AuditEvent.objects.filter(action=AuditAction.FIRST_ACCOUNT_VIEW).exists()


def test_the_api_lists_it_without_the_words_and_reads_it_audited(account, case, persona):
    api = client_for(persona("kz-police"))
    listed = api.get(reverse("api-case-first-accounts", args=[case.pk])).json()
    assert listed == [{"party": str(account.party_id), "agency": "kz-school-1",
                       "recorded_by": account.recorded_by_id, "recorded_at": listed[0]["recorded_at"]}]
    read = api.get(reverse("api-case-first-account", args=[case.pk, account.party_id])).json()
    assert read["words"] == WORDS and read["place"] == PLACE
    assert AuditEvent.objects.filter(action=AuditAction.FIRST_ACCOUNT_VIEW, detail__via="api").count() == 1


def test_the_api_records_it_once(case, victim, persona):
    api = client_for(persona("kz-police"))
    url = reverse("api-case-first-accounts", args=[case.pk])
    payload = {"party": str(victim.pk), "place": PLACE, "present": PRESENT, "words": WORDS}
    first = api.post(url, payload, format="json")
    assert first.status_code == 201 and first.json()["agency"] == "kz-police"
    again = api.post(url, payload, format="json")
    assert again.status_code == 400 and "party" in again.json()
    missing = api.post(url, {"party": str(victim.pk)}, format="json")
    assert missing.status_code == 400
    assert FirstAccount.objects.filter(case=case).count() == 1


def test_the_words_are_kept_verbatim(case, victim, persona):
    words = "  Ол: «Тағы айтсаң — ұрамын».\n\nМен үндемедім.  "
    account = first_account_record(user=persona("kz-head"), case=case, party_id=victim.pk,
                                   place=PLACE, present=PRESENT, words=words)
    account.refresh_from_db()
    assert account.words == words.strip()


def test_an_addendum_is_appended_audited_and_the_account_itself_never_changes(account, case, persona):
    client = client_for(persona("kz-police"))
    url = reverse("casework:first_account_addendum", args=[case.pk, account.party_id])
    assert client.post(url, {"text": "  "}).status_code == 400
    assert not account.addenda.exists()
    response = client.post(url, {"text": "Бала кейін ағасының да ұрғанын айтты."})
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.words == WORDS and account.addenda.get().text.startswith("Бала кейін")
    event = AuditEvent.objects.filter(action=AuditAction.FIRST_ACCOUNT_RECORD, detail__has_key="addendum").get()
    assert "ағасының" not in json.dumps(event.detail, ensure_ascii=False)
    page = client.get(reverse("casework:first_account", args=[case.pk, account.party_id])).content.decode()
    assert "ағасының" in page
    read = client.get(reverse("api-case-first-account", args=[case.pk, account.party_id])).json()
    assert [a["text"] for a in read["addenda"]] == ["Бала кейін ағасының да ұрғанын айтты."]


def test_an_addendum_needs_the_identity_permission(account, case, persona):
    reader = persona("kz-coordinator-2")
    permissions.grant_to_user(case, reader, (permissions.VIEW,))
    with pytest.raises(InputError):
        first_account_addendum_add(user=reader, account=account, text="x")
    url = reverse("api-case-first-account", args=[case.pk, account.party_id])
    assert client_for(reader).post(url, {"text": "x"}, format="json").status_code == 404
    assert not account.addenda.exists()
