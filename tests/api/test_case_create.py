import datetime as dt

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext

from cases.identity_numbers import iin_check_digit
from cases.models import Case, Party
from privacy.models import AuditEvent
from tests.api.clients import client_for

pytestmark = pytest.mark.django_db

URL = "/api/v1/cases/"
FUTURE_MESSAGE = "The report cannot be received in the future."


def valid_iin(first11="13040250012"):
    return first11 + str(iin_check_digit(first11))


def victim(**overrides):
    return {"role": "victim", "family_name": "Ахметов", "given_name": "Ерлан", "birth_date": "2013-04-02",
            "identity_number": valid_iin(), "class_name": "6А", **overrides}


def representative(**overrides):
    return {"role": "legal_representative", "family_name": "Ахметова", "given_name": "Сауле",
            "is_minor": False, "represents_index": 0, "phone": "+77010000002", **overrides}


def case_payload(school, **overrides):
    now = timezone.now()
    return {
        "school": school.pk,
        "received_at": (now - dt.timedelta(minutes=10)).isoformat(),
        "incident_at": (now - dt.timedelta(days=1)).isoformat(),
        "channel": "self_report", "kinds": ["cyberbullying"], "forms": ["psychological"], "places": ["online"],
        "description": "Сыныптастары чатта мазақ етеді.",
        "parties": [victim(), representative()],
        **overrides,
    }


def test_a_case_and_its_parties_are_filed_in_one_request(persona, school):
    response = client_for(persona("kz-coordinator")).post(URL, case_payload(school("kz-school-1")), format="json")

    assert response.status_code == 201, response.data
    case = Case.objects.get()
    assert response.data["id"] == str(case.pk)
    assert response.data["reference"] == f"KZ-SCHOOL-1-{timezone.now().year}-0001"
    assert response.data["description"] == "Сыныптастары чатта мазақ етеді."
    assert [p["family_name"] for p in response.data["parties"]] == ["Ахметов", "Ахметова"]
    victim_party, parent = case.parties.order_by("position")
    assert (victim_party.identity_number, victim_party.birth_date) == (valid_iin(), dt.date(2013, 4, 2))
    assert parent.represents == victim_party and not parent.is_minor
    assert AuditEvent.objects.filter(action="case_create", case_id=case.pk).exists()


def test_self_harm_on_the_screening_makes_the_case_urgent(persona, school):
    payload = case_payload(school("kz-school-1"), screening={"checklist": "kz_teacher", "signs": ["self_harm"]})
    response = client_for(persona("kz-teacher")).post(URL, payload, format="json")
    assert response.status_code == 201, response.data
    assert response.data["is_urgent"] is True


def test_bad_parties_are_reported_against_their_position_and_nothing_is_saved(persona, school):
    parties = [victim(identity_number="130402500127"), representative(), victim(family_name="")]
    response = client_for(persona("kz-coordinator")).post(
        URL, case_payload(school("kz-school-1"), parties=parties), format="json"
    )

    assert response.status_code == 400
    errors = response.data["parties"]
    assert len(errors) == 3
    assert list(errors[0]) == ["identity_number"]
    assert errors[1] == {}
    assert errors[2] == {"family_name": ["Enter the family name."]}
    assert Case.objects.count() == 0 and Party.objects.count() == 0


def test_a_party_that_does_not_parse_is_reported_against_its_position(persona, school):
    parties = [victim(), {"role": "uncle", "family_name": "А", "given_name": "Б", "birth_date": "yesterday"}]
    response = client_for(persona("kz-coordinator")).post(
        URL, case_payload(school("kz-school-1"), parties=parties), format="json"
    )
    assert response.status_code == 400
    assert response.data["parties"][0] == {}
    assert set(response.data["parties"][1]) == {"role", "birth_date"}
    assert Case.objects.count() == 0


def test_a_report_received_in_the_future_is_refused_on_that_field(persona, school):
    future = (timezone.now() + dt.timedelta(hours=2)).isoformat()
    response = client_for(persona("kz-coordinator")).post(
        URL, case_payload(school("kz-school-1"), received_at=future), format="json"
    )
    assert response.status_code == 400
    assert response.data["received_at"] == [FUTURE_MESSAGE]
    assert Case.objects.count() == 0


def test_a_case_without_a_victim_gets_a_non_field_error(persona, school):
    parties = [{"role": "witness", "family_name": "Серіков", "given_name": "Асан"}]
    response = client_for(persona("kz-coordinator")).post(
        URL, case_payload(school("kz-school-1"), parties=parties), format="json"
    )
    assert response.status_code == 400
    assert response.data["non_field_errors"] == ["Add at least one victim."]
    assert "parties" not in response.data


def test_missing_required_fields_are_named(persona):
    response = client_for(persona("kz-coordinator")).post(URL, {}, format="json")
    assert response.status_code == 400
    assert {"school", "received_at", "channel", "kinds", "parties"} <= set(response.data)


def test_nobody_files_for_a_school_they_do_not_work_in(persona, school):
    response = client_for(persona("kz-coordinator-2")).post(URL, case_payload(school("kz-school-1")), format="json")
    assert response.status_code == 400
    assert list(response.data) == ["school"]
    assert Case.objects.count() == 0


def test_messages_come_in_the_request_language(persona, school):
    client = client_for(persona("kz-coordinator"))
    payload = case_payload(school("kz-school-1"), received_at=(timezone.now() + dt.timedelta(hours=2)).isoformat())

    english = client.post(URL, payload, format="json", HTTP_ACCEPT_LANGUAGE="en")
    russian = client.post(URL, payload, format="json", HTTP_ACCEPT_LANGUAGE="ru")

    assert english.data["received_at"] == [FUTURE_MESSAGE]
    # Whatever the Russian catalogue says (it is being written), the API must use it.
    with translation.override("ru"):
        assert russian.data["received_at"] == [gettext(FUTURE_MESSAGE)]
