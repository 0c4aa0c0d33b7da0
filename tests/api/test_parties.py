import pytest

from agencies.models import Agency
from cases.services import case_share_with_agency
from privacy.models import AuditEvent
from tests.api.clients import client_for

pytestmark = pytest.mark.django_db


def parties_url(case):
    return f"/api/v1/cases/{case.pk}/parties/"


def test_the_case_team_lists_the_parties_with_identities(persona, file_case):
    case = file_case(persona("kz-coordinator"), "kz-school-1")
    response = client_for(persona("kz-social-pedagogue")).get(parties_url(case))
    assert response.status_code == 200
    assert [(p["role"], p["family_name"]) for p in response.data] == [
        ("victim", "Ахметов"), ("legal_representative", "Ахметов")
    ]
    assert AuditEvent.objects.filter(action="identity_view", case_id=case.pk).count() == 1


def test_a_witness_and_a_representative_are_added(persona, file_case):
    case = file_case(persona("kz-coordinator"), "kz-school-1")
    client = client_for(persona("kz-coordinator"))

    witness = client.post(parties_url(case), {"role": "witness", "family_name": "Серіков", "given_name": "Асан",
                                               "birth_date": "2012-09-01"}, format="json")
    assert witness.status_code == 201, witness.data
    uncle = client.post(parties_url(case), {"role": "legal_representative", "family_name": "Серіков",
                                            "given_name": "Бауыржан", "is_minor": False,
                                            "represents": witness.data["id"]}, format="json")
    assert uncle.status_code == 201, uncle.data

    assert uncle.data["represents"] == witness.data["id"]
    assert case.parties.count() == 4
    assert AuditEvent.objects.filter(action="party_add", case_id=case.pk).count() == 2


def test_a_representative_must_represent_a_minor_of_the_same_case(persona, file_case):
    case = file_case(persona("kz-coordinator"), "kz-school-1")
    other_case = file_case(persona("kz-coordinator"), "kz-school-1")
    client = client_for(persona("kz-coordinator"))
    parent = {"role": "legal_representative", "family_name": "Серіков", "given_name": "Бауыржан",
              "is_minor": False}

    missing = client.post(parties_url(case), parent, format="json")
    elsewhere = client.post(parties_url(case), {**parent, "represents": str(other_case.parties.first().pk)},
                            format="json")
    malformed = client.post(parties_url(case), {**parent, "represents": "nobody"}, format="json")

    for response in (missing, elsewhere, malformed):
        assert response.status_code == 400 and list(response.data) == ["represents"]
    assert case.parties.count() == 2


def test_a_bad_party_is_refused_per_field(persona, file_case):
    case = file_case(persona("kz-coordinator"), "kz-school-1")
    response = client_for(persona("kz-coordinator")).post(
        parties_url(case), {"role": "witness", "family_name": "", "given_name": "Асан",
                            "identity_number": "130402500127"}, format="json"
    )
    assert response.status_code == 400
    assert set(response.data) == {"family_name", "identity_number"}
    assert case.parties.count() == 2


def test_readers_who_may_not_change_the_case_cannot_add_parties(persona, file_case):
    # 404 rather than 403 for them too: simplest, and it says nothing about the case.
    case = file_case(persona("kz-coordinator"), "kz-school-1")
    case_share_with_agency(case=case, agency=Agency.objects.get(code="kz-police"))
    witness = {"role": "witness", "family_name": "Серіков", "given_name": "Асан"}

    police = client_for(persona("kz-police"))
    assert police.get(parties_url(case)).status_code == 200
    assert police.post(parties_url(case), witness, format="json").status_code == 404
    assert client_for(persona("kz-coordinator-2")).post(parties_url(case), witness, format="json").status_code == 404
    assert case.parties.count() == 2
